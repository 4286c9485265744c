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

/** People (merged duplicates left out) whose name, handle, email or badge has every word of `query`,
 * ignoring case and accents, sorted by name. */
export function filterAttendees(list: readonly Attendee[], query: string, filter: AttendeeFilter = "all"): Attendee[] {
  const words = fold(query).split(/\s+/).filter(Boolean);
  return list
    .filter((a) => a.merged_into === null && matchesFilter(a, filter))
    .filter((a) => {
      if (words.length === 0) return true;
      const hay = fold([a.name, a.handle ?? "", a.email ?? "", a.badge_code ?? ""].join(" "));
      return words.every((w) => hay.includes(w));
    })
    .sort((a, b) => a.name.localeCompare(b.name));
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
