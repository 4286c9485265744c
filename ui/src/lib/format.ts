/** Words and small numbers the screens show: labels for states, dates, tables, counts. */

import type { ClaimState } from "../bindings/ClaimState";
import type { DeviceView } from "../bindings/DeviceView";
import type { GoalStatus } from "../bindings/GoalStatus";
import type { IssueState } from "../bindings/IssueState";
import type { ProjectRef } from "../bindings/ProjectRef";
import type { ReleaseReason } from "../bindings/ReleaseReason";

export const GOAL_STATUSES: readonly GoalStatus[] = ["planned", "in_progress", "done", "dropped"];

const GOAL_LABELS: Record<GoalStatus, string> = {
  planned: "Planned",
  in_progress: "In progress",
  done: "Done",
  dropped: "Dropped",
};

export function goalStatusLabel(status: GoalStatus): string {
  return GOAL_LABELS[status];
}

export type Tone = "neutral" | "info" | "progress" | "success" | "warning" | "muted";

export function goalTone(status: GoalStatus): Tone {
  switch (status) {
    case "planned":
      return "neutral";
    case "in_progress":
      return "progress";
    case "done":
      return "success";
    case "dropped":
      return "muted";
  }
}

const RELEASE_LABELS: Record<ReleaseReason, string> = {
  by_hand: "released",
  resolved: "released when resolved",
  signed_out: "released at sign-out",
  closing_time: "released at closing time",
  issue_closed: "issue closed",
};

/** A claim's state as a chip: claimed → PR open → merged. */
export function claimChip(state: ClaimState): { label: string; tone: Tone } {
  switch (state.state) {
    case "active":
      return { label: "Claimed", tone: "info" };
    case "pr_open":
      return { label: "PR open", tone: "progress" };
    case "merged":
      return { label: "Merged", tone: "success" };
    case "released":
      return { label: RELEASE_LABELS[state.reason], tone: "muted" };
  }
}

/** The three steps of a claim, and how far `state` has got (0, 1, 2; -1 when released). */
export const CLAIM_STEPS = ["Claimed", "PR open", "Merged"] as const;
export function claimStep(state: ClaimState): number {
  switch (state.state) {
    case "active":
      return 0;
    case "pr_open":
      return 1;
    case "merged":
      return 2;
    case "released":
      return -1;
  }
}

const ISSUE_LABELS: Record<IssueState, string> = {
  open: "Open",
  pr_open: "PR open",
  merged: "Merged",
  closed: "Closed",
};

export function issueStateLabel(state: IssueState): string {
  return ISSUE_LABELS[state];
}

/** "CPython · T1", "CPython", or "No table". */
export function tableName(project: ProjectRef | null | undefined): string {
  if (!project) return "No table";
  return project.table_label ? `${project.name} · ${project.table_label}` : project.name;
}

/** "1 person", "3 people"; "1 goal", "2 goals". */
export function count(n: number, one: string, many: string = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** `2026-11-21` as "Sat 21 Nov" (the date as written, whatever this screen's time zone). */
export function formatDay(date: string, locale?: string): string {
  const at = dayToDate(date);
  if (!at) return date;
  return new Intl.DateTimeFormat(locale ?? "en-GB", {
    weekday: "short",
    day: "numeric",
    month: "short",
    timeZone: "UTC",
  }).format(at);
}

/** [`formatDay`], with the year when it is not `today`'s: "Sat 4 Dec 2027" (a date a year on is no
 * "Sat 4 Dec" to someone reading it in December). */
export function formatDayFrom(date: string, today: string, locale?: string): string {
  const day = formatDay(date, locale);
  return date.slice(0, 4) === today.slice(0, 4) || !dayToDate(date) ? day : `${day} ${date.slice(0, 4)}`;
}

function dayToDate(date: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return null;
  return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
}

/** `09:00:00` as `09:00`. */
export function formatClock(time: string): string {
  const m = /^(\d{1,2}):(\d{2})/.exec(time);
  return m ? `${m[1]!.padStart(2, "0")}:${m[2]}` : time;
}

/** A timestamp (ms) as a short date and time in `timeZone` (the sprint's), e.g. "21 Nov, 14:05". */
export function formatInstant(ms: number, timeZone?: string, locale?: string): string {
  try {
    return new Intl.DateTimeFormat(locale ?? "en-GB", {
      day: "numeric",
      month: "short",
      hour: "2-digit",
      minute: "2-digit",
      timeZone,
    }).format(new Date(ms));
  } catch {
    return new Date(ms).toISOString().slice(0, 16).replace("T", " ");
  }
}

/** Bars for a per-day chart: each value as a share of the largest (0..1), zero when all are zero. */
export function barShares(values: readonly number[]): number[] {
  const max = Math.max(0, ...values);
  return values.map((v) => (max > 0 ? Math.max(0, v) / max : 0));
}

/** Letters that keep their identity under NFKD but that people type without the stroke, or as two letters. */
const FOLDED_LETTERS: Readonly<Record<string, string>> = {
  ł: "l",
  ß: "ss",
  ø: "o",
  đ: "d",
  ð: "d",
  ı: "i",
  æ: "ae",
  œ: "oe",
  þ: "th",
  ħ: "h",
  ς: "σ",
};
const FOLDED_LETTER = /[łßøđðıæœþħς]/g;
const COMBINING_MARK = /\p{M}/gu;
const ASCII = /^[\0-\x7f]*$/;

/** Folds case and accents exactly as the core's search does (`fold` in crates/sprintdesk-domain/src/search.rs,
 * checked against the answers it writes to fold-vectors.json): compatibility forms become plain letters
 * (NFKD), combining marks go, then lowercase, then the letters above. Runs on every keystroke over a list, so
 * ASCII, the usual case, takes a shortcut; whole-string `toLowerCase` differs from the core's per-letter
 * lowercase only for a final `Σ` (`ς` instead of `σ`), which the table then folds to `σ` anyway. */
export function fold(text: string): string {
  if (ASCII.test(text)) return text.toLowerCase();
  return text
    .normalize("NFKD")
    .replace(COMBINING_MARK, "")
    .toLowerCase()
    .replace(FOLDED_LETTER, (c) => FOLDED_LETTERS[c] ?? c);
}

/** Sorts table labels as people read them: T2 before T10. */
export function compareLabels(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a.localeCompare(b, "en", { numeric: true, sensitivity: "base" });
}

/** The first `max` items and how many more there are, for lists that must fit a screen. */
export function take<T>(items: readonly T[], max: number): { shown: T[]; more: number } {
  if (items.length <= max) return { shown: [...items], more: 0 };
  return { shown: items.slice(0, Math.max(0, max)), more: items.length - Math.max(0, max) };
}

/** A stand-up turn's time left as the projector shows it: "1:45", or "+0:12" once over time. */
export function standupClock(secondsLeft: number): string {
  const over = secondsLeft < 0;
  const s = Math.abs(Math.trunc(secondsLeft));
  const text = `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
  return over ? `+${text}` : text;
}

/** When a device was last synced with, for the Devices page: "now" within 90 seconds (a live session notes
 * its peer every half minute), then minutes and hours ago, then the day and time. */
export function formatSeen(ms: number | null, nowMs: number, timeZone?: string): string {
  if (ms === null) return "never";
  const ago = Math.max(0, nowMs - ms);
  if (ago < 90_000) return "now";
  const minutes = Math.round(ago / 60_000);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  return formatInstant(ms, timeZone);
}

/** Whether this device has heard from the venue lately, for a lead's laptop: `null` when it has (a live
 * session notes each peer every half minute, so within 90 seconds), or when it has no other device to hear
 * from; otherwise when it last did (`since`, `null`: never). A laptop off the network showed nothing, so a
 * lead worked for an hour on a board that others had changed. */
export function venueSilence(devices: readonly DeviceView[], nowMs: number): { since: number | null } | null {
  const others = devices.filter((d) => !d.this_device && !d.revoked);
  if (others.length === 0) return null;
  const heard = others.map((d) => d.last_seen).filter((t): t is number => t !== null);
  const since = heard.length > 0 ? Math.max(...heard) : null;
  if (since !== null && nowMs - since < 90_000) return null;
  return { since };
}
