import { describe, expect, it } from "vitest";
import type { PresentPerson } from "../bindings/PresentPerson";
import type { HolderView } from "../bindings/HolderView";
import type { IssueBoard } from "../bindings/IssueBoard";
import {
  claimable,
  filterIssues,
  firstTimerBlock,
  holdingCounts,
  issuePeople,
  issueStatus,
  menteeCounts,
  mentorChoices,
  resolveOptions,
  sortIssues,
  workingHolders,
} from "./issues";

const holder = (id: string, state: HolderView["state"]): HolderView => ({
  person: { id, name: id.toUpperCase() },
  mentor: null,
  state,
  kept_overnight: false,
  claimed_at: 0,
  claimed_on: null,
  paired: false,
  also_holds: [],
});

function issue(id: string, extra: Partial<IssueBoard> = {}): IssueBoard {
  return {
    id,
    number: Number(id.replace(/\D/g, "")) || null,
    title: `Issue ${id}`,
    url: "",
    state: "open",
    beginner_friendly: false,
    contested: false,
    holders: [],
    ...extra,
  };
}

describe("claims", () => {
  it("counts only people still working as holders", () => {
    const i = issue("i1", {
      holders: [holder("a", { state: "active" }), holder("b", { state: "released", reason: "by_hand" }), holder("c", { state: "pr_open" })],
    });
    expect(workingHolders(i).map((h) => h.person.id)).toEqual(["a", "c"]);
  });

  it("lets people claim open issues nobody holds, including ones whose claim was released", () => {
    expect(claimable(issue("i1"))).toBe(true);
    expect(claimable(issue("i2", { holders: [holder("a", { state: "released", reason: "signed_out" })] }))).toBe(true);
    expect(claimable(issue("i3", { holders: [holder("a", { state: "active" })] }))).toBe(false);
    expect(claimable(issue("i4", { state: "merged" }))).toBe(false);
  });
});

describe("the first-timer rules, before Claim is pressed", () => {
  const fern = { id: "fern", name: "Fern", first_timer: true };
  const bo = { id: "bo", name: "Bo", first_timer: false };
  const beginner = issue("i1", { beginner_friendly: true });
  const hard = issue("i2");
  const fernsOther = issue("i3", { beginner_friendly: true, holders: [holder("fern", { state: "active" })] });
  const fernsReleased = issue("i4", { beginner_friendly: true, holders: [holder("fern", { state: "released", reason: "by_hand" })] });
  it("says why, as the core would refuse", () => {
    const none = holdingCounts([]);
    const busy = holdingCounts([fernsOther, fernsReleased]);
    // (person, issue, what they hold elsewhere, why not)
    const cases: [typeof fern, IssueBoard, Record<string, number>, string | null][] = [
      [fern, beginner, none, null],
      [fern, hard, none, "first-timer: good first issues only"],
      [fern, beginner, busy, "first-timer: already holds an issue"],
      [fern, fernsOther, busy, null],
      [bo, hard, busy, null],
    ];
    for (const [person, i, holding, why] of cases) expect(firstTimerBlock(person, i, holding), `${person.id} ${i.id}`).toBe(why);
    expect(busy).toEqual({ fern: 1 });
  });
});

describe("sortIssues and filterIssues", () => {
  const list = [
    issue("i5", { state: "merged", holders: [holder("m", { state: "merged" })] }),
    issue("i4"),
    issue("i3", { beginner_friendly: true }),
    issue("i2", { holders: [holder("a", { state: "active" })] }),
    issue("i1", { contested: true, holders: [holder("a", { state: "active" }), holder("b", { state: "active" })] }),
  ];

  it("puts contested first, then claimed, then beginner-friendly open, then the rest", () => {
    expect(sortIssues(list).map((i) => i.id)).toEqual(["i1", "i2", "i3", "i4", "i5"]);
  });

  it("filters by what a lead looks for", () => {
    expect(filterIssues(list, "open").map((i) => i.id)).toEqual(["i3", "i4"]);
    expect(filterIssues(list, "claimed").map((i) => i.id)).toEqual(["i1", "i2"]);
    expect(filterIssues(list, "done").map((i) => i.id)).toEqual(["i5"]);
    expect(filterIssues(list, "all", "issue i4").map((i) => i.id)).toEqual(["i4"]);
    expect(filterIssues(list, "all", "B").map((i) => i.id)).toEqual(["i1"]);
  });
});

describe("mentorChoices", () => {
  const p = (id: string, can_mentor: boolean): PresentPerson => ({ id, name: id, first_timer: false, can_mentor });
  // A person is at one table at a time, so each appears once in the board's present lists.
  const here = [p("maya", true), p("lee", true), p("sam", false)];

  it("offers mentors and leads who are here, not the sprinter", () => {
    expect(mentorChoices(here, "sam").map((x) => x.id)).toEqual(["lee", "maya"]);
    expect(mentorChoices(here, "lee").map((x) => x.id)).toEqual(["maya"]);
    expect(mentorChoices([], null)).toEqual([]);
  });

  it("puts this table's mentors first, then those with the fewest mentees", () => {
    const venue = [p("ana", true), p("bo", true), p("cy", true), p("dee", true), p("fern", false)];
    const table = [p("dee", true), p("cy", true), p("fern", false)];
    const mentees = { cy: 2, ana: 1 };
    // (who, at this table?, mentees): dee (here, 0), cy (here, 2), bo (0), ana (1)
    const got = mentorChoices(venue, "fern", table, mentees);
    expect(got.map((m) => [m.id, m.atTable, m.mentees])).toEqual([
      ["dee", true, 0],
      ["cy", true, 2],
      ["bo", false, 0],
      ["ana", false, 1],
    ]);
    expect(got.map((m) => m.label)).toEqual(["dee (at this table)", "cy (at this table, mentors 2)", "bo", "ana (mentors 1)"]);
  });

  it("counts the mentees of working claims only", () => {
    const mentored = (mentor: string, state: HolderView["state"]): HolderView => ({
      person: { id: "x", name: "X" },
      mentor: { id: mentor, name: mentor },
      state,
      kept_overnight: false,
      claimed_at: 0,
      claimed_on: null,
      paired: false,
      also_holds: [],
    });
    const issues = [
      { holders: [mentored("maya", { state: "active" }), mentored("maya", { state: "pr_open" })] },
      { holders: [mentored("lee", { state: "merged" }), mentored("maya", { state: "released", reason: "signed_out" })] },
    ];
    expect(menteeCounts(issues)).toEqual({ maya: 2 });
  });
});

describe("resolveOptions", () => {
  it("offers each holder alone and both as a pair", () => {
    const options = resolveOptions(issue("i1", { holders: [holder("a", { state: "active" }), holder("b", { state: "pr_open" })] }));
    expect(options).toEqual([
      { label: "Keep A", keep: ["a"] },
      { label: "Keep B", keep: ["b"] },
      { label: "Keep both as a pair", keep: ["a", "b"] },
    ]);
  });
  it("says 'all' for three", () => {
    const options = resolveOptions(
      issue("i1", { holders: ["a", "b", "c"].map((id) => holder(id, { state: "active" })) }),
    );
    expect(options.at(-1)).toEqual({ label: "Keep all 3 together", keep: ["a", "b", "c"] });
  });
});

describe("issueStatus and issuePeople", () => {
  it("says claimed for an open issue someone works on", () => {
    expect(issueStatus(issue("i1")).label).toBe("Open");
    expect(issueStatus(issue("i1", { holders: [holder("a", { state: "active" })] }))).toEqual({ label: "Claimed", tone: "info" });
    expect(issueStatus(issue("i1", { state: "pr_open", holders: [holder("a", { state: "pr_open" })] })).label).toBe("PR open");
    expect(issueStatus(issue("i1", { contested: true })).label).toBe("Contested");
    expect(issueStatus(issue("i1", { state: "merged" })).tone).toBe("success");
  });
  it("names who did a merged issue and leaves released claims out", () => {
    const merged = issue("i1", {
      state: "merged",
      holders: [holder("a", { state: "merged" }), holder("b", { state: "released", reason: "by_hand" })],
    });
    expect(issuePeople(merged)).toBe("A");
    const mentored = issue("i2", { holders: [{ ...holder("f", { state: "active" }), mentor: { id: "m", name: "Maya" } }] });
    expect(issuePeople(mentored)).toBe("F (with Maya)");
  });
});
