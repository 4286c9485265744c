/** Issues and claims as a table lead works with them: order, what can be done next, who may mentor. Pure. */

import type { HolderView } from "../bindings/HolderView";
import type { IssueBoard } from "../bindings/IssueBoard";
import type { PersonRef } from "../bindings/PersonRef";
import type { PresentPerson } from "../bindings/PresentPerson";
import { fold, type Tone } from "./format";

/** Holders still working on the issue (claimed or PR open), not merged or released ones. */
export function workingHolders(issue: Pick<IssueBoard, "holders">): HolderView[] {
  return issue.holders.filter((h) => h.state.state === "active" || h.state.state === "pr_open");
}

/** An issue someone can claim now: open and held by no one. */
export function claimable(issue: Pick<IssueBoard, "state" | "holders">): boolean {
  return issue.state === "open" && workingHolders(issue).length === 0;
}

function rank(issue: IssueBoard): number {
  if (issue.contested) return 0;
  if (workingHolders(issue).length > 0) return 1;
  if (issue.state === "open") return issue.beginner_friendly ? 2 : 3;
  return 4;
}

/** Contested first, then claimed ones, then open ones (beginner-friendly first), then merged and closed. */
export function sortIssues(issues: readonly IssueBoard[]): IssueBoard[] {
  return [...issues].sort((a, b) => rank(a) - rank(b) || (a.number ?? 0) - (b.number ?? 0));
}

export type IssueFilter = "all" | "open" | "claimed" | "done";

export function filterIssues(issues: readonly IssueBoard[], filter: IssueFilter, query = ""): IssueBoard[] {
  const words = fold(query).split(/\s+/).filter(Boolean);
  return sortIssues(issues).filter((issue) => {
    const keep =
      filter === "all" ||
      (filter === "open" && claimable(issue)) ||
      (filter === "claimed" && workingHolders(issue).length > 0) ||
      (filter === "done" && (issue.state === "merged" || issue.state === "closed"));
    if (!keep) return false;
    if (words.length === 0) return true;
    const hay = fold(`${issue.number ?? ""} ${issue.title} ${issue.holders.map((h) => h.person.name).join(" ")}`);
    return words.every((w) => hay.includes(w));
  });
}

/** A possible mentor, with what helps the lead choose: at this table, how many they mentor already. */
export type MentorChoice = PersonRef & { atTable: boolean; mentees: number; label: string };

/**
 * People who may mentor `sprinter`'s claim: mentors and table leads who are here, not the sprinter. Those at
 * this table (`table`) first, then those with the fewest mentees now (`mentees`, by person id), then by name.
 */
export function mentorChoices(
  here: readonly PresentPerson[],
  sprinter: string | null,
  table: readonly PresentPerson[] = [],
  mentees: Readonly<Record<string, number>> = {},
): MentorChoice[] {
  const atTable = new Set(table.map((p) => p.id));
  return here
    .filter((p) => p.can_mentor && p.id !== sprinter)
    .map((p) => {
      const count = mentees[p.id] ?? 0;
      const notes = [atTable.has(p.id) ? "at this table" : null, count > 0 ? `mentors ${count}` : null].filter(Boolean);
      return {
        id: p.id,
        name: p.name,
        atTable: atTable.has(p.id),
        mentees: count,
        label: notes.length > 0 ? `${p.name} (${notes.join(", ")})` : p.name,
      };
    })
    .sort((a, b) => Number(b.atTable) - Number(a.atTable) || a.mentees - b.mentees || a.name.localeCompare(b.name));
}

/** How many people each mentor mentors now, over every table's working claims. */
export function menteeCounts(issues: readonly Pick<IssueBoard, "holders">[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const issue of issues) {
    for (const h of workingHolders(issue)) {
      if (h.mentor) counts[h.mentor.id] = (counts[h.mentor.id] ?? 0) + 1;
    }
  }
  return counts;
}

/** How many issues each person works on now (active or with a PR open), over every table. */
export function holdingCounts(issues: readonly Pick<IssueBoard, "holders">[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const issue of issues) {
    for (const h of workingHolders(issue)) counts[h.person.id] = (counts[h.person.id] ?? 0) + 1;
  }
  return counts;
}

/** Why `person` cannot claim `issue` under the first-timer rules, in the core's words, or null: said
 * before Claim is pressed (the core refuses the same). */
export function firstTimerBlock(
  person: Pick<PresentPerson, "id" | "name" | "first_timer">,
  issue: Pick<IssueBoard, "beginner_friendly" | "holders">,
  holding: Record<string, number>,
): string | null {
  if (!person.first_timer) return null;
  if (!issue.beginner_friendly) return "first-timer: good first issues only";
  const here = workingHolders(issue).some((h) => h.person.id === person.id) ? 1 : 0;
  if ((holding[person.id] ?? 0) - here > 0) return "first-timer: already holds an issue";
  return null;
}

/** The ways to settle a contested issue: each holder alone, or all of them as a pair. */
export function resolveOptions(issue: Pick<IssueBoard, "holders">): Array<{ label: string; keep: string[] }> {
  const people = workingHolders(issue).map((h) => h.person);
  const options = people.map((p) => ({ label: `Keep ${p.name}`, keep: [p.id] }));
  if (people.length >= 2) {
    options.push({
      label: people.length === 2 ? "Keep both as a pair" : `Keep all ${people.length} together`,
      keep: people.map((p) => p.id),
    });
  }
  return options;
}

/** One chip for an issue in a list: contested, claimed, PR open, merged, closed or open. */
export function issueStatus(issue: Pick<IssueBoard, "state" | "contested" | "holders">): { label: string; tone: Tone } {
  if (issue.contested) return { label: "Contested", tone: "warning" };
  switch (issue.state) {
    case "merged":
      return { label: "Merged", tone: "success" };
    case "closed":
      return { label: "Closed", tone: "muted" };
    case "pr_open":
      return { label: "PR open", tone: "progress" };
    case "open":
      return workingHolders(issue).length > 0 ? { label: "Claimed", tone: "info" } : { label: "Open", tone: "neutral" };
  }
}

/** Who is on an issue, or did it: everyone whose claim was not released. */
export function issuePeople(issue: Pick<IssueBoard, "holders">): string {
  return issue.holders
    .filter((h) => h.state.state !== "released")
    .map((h) => (h.mentor ? `${h.person.name} (with ${h.mentor.name})` : h.person.name))
    .join(", ");
}
