import { describe, expect, it } from "vitest";
import type { Attendee } from "../bindings/Attendee";
import { filterAttendees } from "./attendees";

function person(id: string, name: string, extra: Partial<Attendee> = {}): Attendee {
  return {
    id,
    name,
    handle: null,
    email: null,
    roles: ["sprinter"],
    first_timer: false,
    planned_days: [],
    badge_code: null,
    coc_version: 1,
    photo_consent: null,
    merged_into: null,
    ...extra,
  };
}

const people = [
  person("1", "Łukasz Nowak", { handle: "lnowak", email: "l@example.org", badge_code: "B-1" }),
  person("2", "Ana María García", { first_timer: true }),
  person("3", "Maya Mentor", { roles: ["mentor"] }),
  person("4", "Old Record", { merged_into: "1" }),
  person("5", "Bo Lead", { roles: ["sprinter", "table_lead"], coc_version: null }),
];

describe("filterAttendees", () => {
  it("matches every word, ignoring accents and case, in name, handle, email or badge", () => {
    expect(filterAttendees(people, "lukasz").map((a) => a.id)).toEqual(["1"]);
    expect(filterAttendees(people, "maria garcia").map((a) => a.id)).toEqual(["2"]);
    expect(filterAttendees(people, "LNOWAK").map((a) => a.id)).toEqual(["1"]);
    expect(filterAttendees(people, "b-1").map((a) => a.id)).toEqual(["1"]);
    expect(filterAttendees(people, "ana zzz")).toEqual([]);
  });

  it("leaves merged duplicates out and sorts by name", () => {
    expect(filterAttendees(people, "").map((a) => a.name)).toEqual([
      "Ana María García",
      "Bo Lead",
      "Łukasz Nowak",
      "Maya Mentor",
    ]);
  });

  it("filters by role and state", () => {
    expect(filterAttendees(people, "", "first_timers").map((a) => a.id)).toEqual(["2"]);
    expect(filterAttendees(people, "", "mentors").map((a) => a.id)).toEqual(["3"]);
    expect(filterAttendees(people, "", "leads").map((a) => a.id)).toEqual(["5"]);
    expect(filterAttendees(people, "", "no_coc").map((a) => a.id)).toEqual(["5"]);
    expect(filterAttendees(people, "", "no_badge").map((a) => a.id)).toEqual(["2", "5", "3"]);
  });
});


