/** The organizer's attendee list: filtering on screen and spotting likely duplicates. Pure. */

import type { Attendee } from "../bindings/Attendee";
import type { Role } from "../bindings/Role";
import { fold } from "./format";

export type AttendeeFilter = "all" | "first_timers" | "leads" | "mentors" | "organizers" | "no_badge" | "no_coc";

export const FILTER_LABELS: Record<AttendeeFilter, string> = {
  all: "Everyone",
  first_timers: "First-time contributors",
  leads: "Table leads",
  mentors: "Mentors",
  organizers: "Organizers",
  no_badge: "No badge code",
  no_coc: "Code of conduct not accepted",
};

function hasRole(a: Attendee, role: Role): boolean {
  return a.roles.includes(role);
}

function matchesFilter(a: Attendee, filter: AttendeeFilter): boolean {
  switch (filter) {
    case "all":
      return true;
    case "first_timers":
      return a.first_timer;
    case "leads":
      return hasRole(a, "table_lead");
    case "mentors":
      return hasRole(a, "mentor");
    case "organizers":
      return hasRole(a, "organizer");
    case "no_badge":
      return a.badge_code === null;
    case "no_coc":
      return a.coc_version === null;
  }
}

/** People (merged duplicates left out) whose name, handle (with or without its "@"), email or badge has every word of `query`,
 * ignoring case and accents, sorted by name. As at the kiosk (crates/sprintdesk-domain/src/search.rs), a word
 * of five letters or more may hold one typing mistake (nine or more: two) against the start of a word that
 * begins with the same letter; such matches come after the rest. */
export function filterAttendees(list: readonly Attendee[], query: string, filter: AttendeeFilter = "all"): Attendee[] {
  // "@lnowak" is how a handle is written (and shown in the list): the "@" is not part of it.
  const words = fold(query)
    .split(/\s+/)
    .map((w) => w.replace(/^@+/, ""))
    .filter(Boolean);
  const scored: { a: Attendee; typos: number }[] = [];
  for (const a of list) {
    if (a.merged_into !== null || !matchesFilter(a, filter)) continue;
    const hay = fold([a.name, a.handle ?? "", a.email ?? "", a.badge_code ?? ""].join(" "));
    let typos = 0;
    const found = words.every((w) => {
      if (hay.includes(w)) return true;
      const fewest = fewestTypos(w, hay);
      typos += fewest ?? 0;
      return fewest !== null;
    });
    if (found) scored.push({ a, typos });
  }
  return scored.sort((x, y) => x.typos - y.typos || x.a.name.localeCompare(y.a.name)).map((x) => x.a);
}

/** How many typing mistakes a searched word of `letters` letters may hold. */
export function typosAllowed(letters: number): number {
  return letters < 5 ? 0 : letters < 9 ? 1 : 2;
}

/** The fewest typing mistakes between `word` and the start of a word of `hay` with the same first letter. */
function fewestTypos(word: string, hay: string): number | null {
  const allowed = typosAllowed([...word].length);
  if (allowed === 0) return null;
  let best: number | null = null;
  for (const candidate of hay.split(/[^\p{L}\p{N}]+/u)) {
    if (candidate === "" || candidate[0] !== word[0]) continue;
    const d = prefixEdits([...word], [...candidate], allowed);
    if (d !== null && (best === null || d < best)) best = d;
  }
  return best;
}

/** The fewest edits (add, drop, change a letter, swap two neighbours) turning `typed` into the start of `word`,
 * if at most `max`. */
export function prefixEdits(typed: readonly string[], word: readonly string[], max: number): number | null {
  const m = word.length;
  let before = new Array<number>(m + 1).fill(0);
  let last = Array.from({ length: m + 1 }, (_, j) => j);
  let row = new Array<number>(m + 1).fill(0);
  for (let i = 1; i <= typed.length; i++) {
    row[0] = i;
    let best = i;
    for (let j = 1; j <= m; j++) {
      const at = (r: number[], k: number) => r[k] ?? Infinity;
      let d = Math.min(at(last, j) + 1, at(row, j - 1) + 1, at(last, j - 1) + (typed[i - 1] === word[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && typed[i - 1] === word[j - 2] && typed[i - 2] === word[j - 1]) d = Math.min(d, at(before, j - 2) + 1);
      row[j] = d;
      best = Math.min(best, d);
    }
    if (best > max) return null;
    [before, last, row] = [last, row, before];
  }
  const d = Math.min(...last);
  return d <= max ? d : null;
}

export const ROLES: readonly Role[] = ["sprinter", "table_lead", "mentor", "organizer"];

const ROLE_LABELS: Record<Role, string> = {
  sprinter: "Sprinter",
  table_lead: "Table lead",
  mentor: "Mentor",
  organizer: "Organizer",
};

export function roleLabel(role: Role): string {
  return ROLE_LABELS[role];
}

/** The fields the organizer's person dialog edits, as `edit_attendee` takes them. */
export type EditedFields = Pick<Attendee, "name" | "handle" | "email" | "roles" | "first_timer" | "badge_code">;

const EDITED: (keyof EditedFields)[] = ["name", "handle", "email", "roles", "first_timer", "badge_code"];

function same(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return [...a].sort().join() === [...b].sort().join();
  return a === b;
}

/**
 * What to save from the person dialog: each field the organizer changed from what the dialog showed
 * (`shown`), and for the others the person as the device holds them now (`now`). Saving the whole form put
 * back every field as the dialog first read it: a badge printed from the dialog, or an edit made on another
 * device meanwhile, was wiped by a Save with nothing typed.
 */
export function fieldsToSave(form: EditedFields, shown: EditedFields, now: EditedFields): EditedFields {
  const fields = { ...form };
  for (const key of EDITED) {
    if (same(form[key], shown[key])) (fields as Record<string, unknown>)[key] = now[key];
  }
  return fields;
}
