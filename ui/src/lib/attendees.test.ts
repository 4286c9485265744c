import { describe, expect, it } from "vitest";
import type { Attendee } from "../bindings/Attendee";
import { filterAttendees, likelyDuplicates } from "./attendees";

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

describe("likelyDuplicates", () => {
  it("pairs records with the same name ignoring accents, or the same email or handle", () => {
    const list = [
      person("a", "Lukasz Nowak"),
      person("b", "Łukasz  Nowak"),
      person("c", "Someone", { email: "X@example.org" }),
      person("d", "Someone Else", { email: "x@example.org " }),
      person("e", "Third", { handle: "third" }),
      person("f", "Other", { handle: "Third" }),
      person("g", "Unique Person"),
    ];
    const pairs = likelyDuplicates(list).map(([x, y]) => [x.id, y.id].sort().join(""));
    expect(pairs.sort()).toEqual(["ab", "cd", "ef"]);
  });

  it("does not suggest merged records or a pair twice", () => {
    const list = [
      person("a", "Same Name", { email: "s@example.org" }),
      person("b", "Same Name", { email: "s@example.org" }),
      person("c", "Same Name", { merged_into: "a" }),
    ];
    expect(likelyDuplicates(list)).toHaveLength(1);
  });
});

