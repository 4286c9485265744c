import { describe, expect, it } from "vitest";
import type { Attendee } from "../bindings/Attendee";
import { fieldsToSave, filterAttendees, prefixEdits } from "./attendees";

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
    expect(filterAttendees(people, "@lnowak").map((a) => a.id)).toEqual(["1"]);
    expect(filterAttendees(people, "@").map((a) => a.id)).toHaveLength(filterAttendees(people, "").length);
    expect(filterAttendees(people, "b-1").map((a) => a.id)).toEqual(["1"]);
    expect(filterAttendees(people, "ana zzz")).toEqual([]);
  });

  it("forgives a typing mistake in longer words, listing exact matches first", () => {
    const list = [...people, person("6", "Maya Mentr")];
    // (typed, found) — one mistake from five letters, two from nine, never in the first letter.
    const cases: [string, string[]][] = [
      ["maya mentr", ["6", "3"]],
      ["mentro", ["3", "6"]],
      ["mnetor", ["3"]],
      ["mnetro", []],
      ["nowka", ["1"]],
      ["nwak", []],
      ["garcai", ["2"]],
      ["lnowka", ["1"]],
      ["xnowak", []],
      ["ana garcia nowak", []],
    ];
    for (const [typed, found] of cases) {
      expect(filterAttendees(list, typed).map((a) => a.id), typed).toEqual(found);
    }
  });

  it("counts typing mistakes like the kiosk's search", () => {
    const edits = (a: string, b: string, max: number) => prefixEdits([...a], [...b], max);
    expect(edits("testowsky", "testowski", 2)).toBe(1);
    expect(edits("kierkeagard", "kierkegaard", 2)).toBe(1);
    expect(edits("kxxxkegaard", "kierkegaard", 2)).toBeNull();
    expect(edits("mentr", "mentor", 1)).toBe(1);
    expect(edits("ment", "mentor", 0)).toBe(0);
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

describe("fieldsToSave", () => {
  const shown = person("a-1", "Timo Walkner", { handle: "timo", badge_code: null, roles: ["sprinter", "mentor"] });
  const cases: [string, Partial<Attendee>, Partial<Attendee>, Partial<Attendee>][] = [
    // (what happened, typed in the form, the person now, what is saved)
    ["nothing typed, a badge printed meanwhile", {}, { badge_code: "SD-UBM2A4N7" }, { badge_code: "SD-UBM2A4N7" }],
    [
      "a handle typed, a badge printed meanwhile",
      { handle: "twalkner" },
      { badge_code: "SD-UBM2A4N7" },
      { handle: "twalkner", badge_code: "SD-UBM2A4N7" },
    ],
    ["a name edited on another device, the e-mail here", { email: "t@example.org" }, { name: "Timo W." }, { name: "Timo W.", email: "t@example.org" }],
    ["both changed the name: this organizer's stands", { name: "Timo Walkner-Berg" }, { name: "Timo W." }, { name: "Timo Walkner-Berg" }],
    ["a badge code typed replaces one printed meanwhile", { badge_code: "T-1" }, { badge_code: "SD-X" }, { badge_code: "T-1" }],
    ["roles in another order are not a change", { roles: ["mentor", "sprinter"] }, { roles: ["sprinter"] }, { roles: ["sprinter"] }],
    ["a role taken away", { roles: ["sprinter"] }, { roles: ["sprinter", "mentor", "table_lead"] }, { roles: ["sprinter"] }],
  ];
  for (const [what, typed, elsewhere, saved] of cases) {
    it(what, () => {
      const form = { ...shown, ...typed };
      const now = { ...shown, ...elsewhere };
      const expected = { ...shown, ...elsewhere, ...saved };
      const pick = ({ name, handle, email, roles, first_timer, badge_code }: Attendee) => ({ name, handle, email, roles, first_timer, badge_code });
      expect(fieldsToSave(pick(form), pick(shown), pick(now))).toEqual(pick(expected));
    });
  }
});
