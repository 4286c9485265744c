import { describe, expect, it } from "vitest";
import type { Sprint } from "../bindings/Sprint";
import {
  addDays,
  cocChange,
  fromTimeInput,
  localToday,
  newSprintProblem,
  pinProblem,
  retentionEnds,
  retentionErases,
  timeZoneMoves,
  closesNow,
  retentionNotice,
  nextOpenWords,
  sprintEditProblem,
  hiddenAttendance,
  toTimeInput,
  todayIn,
} from "./sprint";

describe("pinProblem", () => {
  it.each([
    ["1234", null],
    ["123456789012", null],
    ["123", "The PIN is 4 to 12 digits."],
    ["1234567890123", "The PIN is 4 to 12 digits."],
    ["12a4", "The PIN is digits only."],
    ["", "The PIN is 4 to 12 digits."],
  ])("%j → %j", (pin, problem) => {
    expect(pinProblem(pin)).toBe(problem);
  });
  it.each([
    ["2468", "2468", null],
    ["2468", "2486", "The two PINs differ: type the same PIN in both fields."],
    ["2468", "", "The two PINs differ: type the same PIN in both fields."],
    ["12", "12", "The PIN is 4 to 12 digits."],
  ])("a new PIN %j typed again as %j → %j", (pin, again, problem) => {
    expect(pinProblem(pin, again)).toBe(problem);
  });
});

describe("newSprintProblem", () => {
  const ok = { name: "PySprints", time_zone: "Europe/Prague", start: "2026-11-20", days: 3 };
  it("accepts a sensible sprint", () => expect(newSprintProblem(ok)).toBeNull());
  it("refuses what the core would refuse", () => {
    expect(newSprintProblem({ ...ok, name: " " })).toMatch(/name/);
    expect(newSprintProblem({ ...ok, days: 0 })).toMatch(/1 to 31/);
    expect(newSprintProblem({ ...ok, days: 32 })).toMatch(/1 to 31/);
    expect(newSprintProblem({ ...ok, start: "" })).toMatch(/first day/);
    // The first-start form once sent a name the core then refused.
    expect(newSprintProblem({ ...ok, name: "x".repeat(120) })).toBeNull();
    expect(newSprintProblem({ ...ok, name: "x".repeat(121) })).toMatch(/121 characters long: keep it to 120/);
  });
});

describe("code of conduct versions", () => {
  const v1 = { text: "Be kind.", version: 1 };
  it("needs a higher version for a changed text", () => {
    expect(cocChange(v1, { text: "Be kind and patient.", version: 1 })).toMatch(/raise its version to 2/);
    expect(cocChange(v1, { text: "Be kind and patient.", version: 2 })).toBeNull();
  });
  it("changes as it is while no one has accepted it yet", () => {
    expect(cocChange(v1, { text: "Our own code of conduct.", version: 1 }, false)).toBeNull();
    expect(cocChange({ text: "x", version: 3 }, { text: "y", version: 2 }, false)).toMatch(/cannot go down/);
  });
  it("never lets the version go down", () => {
    expect(cocChange({ text: "x", version: 3 }, { text: "x", version: 2 })).toMatch(/cannot go down/);
  });
  it("ignores whitespace-only edits", () => {
    expect(cocChange(v1, { text: "Be kind. ", version: 1 })).toBeNull();
  });
});

describe("sprintEditProblem", () => {
  const sprint: Sprint = {
    name: "S",
    time_zone: "Etc/UTC",
    days: [
      { date: "2026-11-20", is_break: false, opens: "09:00:00", closes: "18:00:00" },
      { date: "2026-11-21", is_break: true, opens: "09:00:00", closes: "09:00:00" },
    ],
    venue: { address: "", wifi: "", food: "", house_rules: "" },
    code_of_conduct: { text: "Be kind.", version: 1 },
    retention_days: null,
    retro_questions: null,
  };
  it("accepts the sprint as it is (a break day's hours do not matter)", () => {
    expect(sprintEditProblem(sprint, sprint)).toBeNull();
  });
  it("finds closing before opening, twice the same date, and a changed code of conduct", () => {
    const late = { ...sprint, days: [{ ...sprint.days[0]!, closes: "08:00:00" }] };
    expect(sprintEditProblem(sprint, late)).toMatch(/close after it opens/);
    const twice = { ...sprint, days: [sprint.days[0]!, sprint.days[0]!] };
    expect(sprintEditProblem(sprint, twice)).toMatch(/same date/);
    const coc = { ...sprint, code_of_conduct: { text: "New.", version: 1 } };
    expect(sprintEditProblem(sprint, coc)).toMatch(/version/);
  });
  it("names the day whose opening or closing time was emptied, a name too long, an empty code of conduct", () => {
    const cases: [Sprint, RegExp | null][] = [
      [{ ...sprint, days: [{ ...sprint.days[0]!, closes: "" }] }, /needs the time the venue closes/],
      [{ ...sprint, days: [{ ...sprint.days[0]!, opens: "" }] }, /needs the time the venue opens/],
      [{ ...sprint, days: [sprint.days[0]!, { ...sprint.days[1]!, opens: "" }] }, /needs the time the venue opens/],
      [{ ...sprint, name: "é".repeat(120) }, null],
      [{ ...sprint, name: "é".repeat(121) }, /121 characters long: keep it to 120/],
      [{ ...sprint, code_of_conduct: { text: "  ", version: 2 } }, /code of conduct is empty/],
    ];
    for (const [after, problem] of cases) {
      const said = sprintEditProblem(sprint, after);
      if (problem) expect(said).toMatch(problem);
      else expect(said).toBeNull();
    }
  });
});

describe("hiddenAttendance", () => {
  const day = (date: string, is_break = false) => ({ date, is_break, opens: "09:00:00", closes: "18:00:00" });
  const base: Sprint = {
    name: "S",
    time_zone: "Etc/UTC",
    days: [day("2026-12-01"), day("2026-12-02"), day("2026-12-03")],
    venue: { address: "", wifi: "", food: "", house_rules: "" },
    code_of_conduct: { text: "Be kind.", version: 1 },
    retention_days: null,
    retro_questions: null,
  };
  const came = [
    { date: "2026-12-01", people: 119 },
    { date: "2026-12-02", people: 1 },
    { date: "2026-12-03", people: 0 },
  ];
  const cases: [string, Sprint, RegExp | null][] = [
    ["nothing changed", base, null],
    ["a day people came taken out", { ...base, days: base.days.slice(1) }, /hides Tue 1 Dec \(119 people came\) from/],
    ["made a break", { ...base, days: [base.days[0]!, day("2026-12-02", true), base.days[2]!] }, /Wed 2 Dec \(1 person came\)/],
    ["a day nobody came to taken out", { ...base, days: base.days.slice(0, 2) }, null],
    ["a day added", { ...base, days: [...base.days, day("2026-12-04")] }, null],
  ];
  for (const [what, after, said] of cases) {
    it(what, () => {
      const got = hiddenAttendance(base, after, came);
      if (said) expect(got).toMatch(said);
      else expect(got).toBeNull();
    });
  }
});

describe("dates and time inputs", () => {
  it("adds days across months", () => {
    expect(addDays("2026-11-30", 1)).toBe("2026-12-01");
    expect(addDays("2026-12-31", 1)).toBe("2027-01-01");
  });
  it("converts opening hours for <input type=time> and back", () => {
    expect(toTimeInput("09:30:00")).toBe("09:30");
    expect(fromTimeInput("18:00")).toBe("18:00:00");
  });
  it("writes today in this screen's calendar", () => {
    expect(localToday(new Date(2026, 10, 5, 23, 30))).toBe("2026-11-05");
  });
});

describe("retention", () => {
  const day = (date: string) => ({ date, is_break: false, opens: "09:00:00", closes: "18:00:00" });
  const sprint = { days: [day("2026-05-18"), day("2026-05-19")], retention_days: null };
  it("ends the day after the last day plus 30 days by default", () => {
    expect(retentionEnds(sprint)).toBe("2026-06-19");
    expect(retentionEnds({ ...sprint, retention_days: 0 })).toBe("2026-05-20");
    expect(retentionEnds({ days: [], retention_days: 5 })).toBeNull();
  });
  // The core's state on a device: when the period ends, and whether (and on which day) everyone was erased.
  const state = (erased: boolean, erased_on: string | null = null) => ({ ends: "2026-06-19", erased, erased_on });
  it.each([
    // (today, erased here?, erased on, tone, words)
    ["2026-06-11", false, null, null, null],
    ["2026-06-12", false, null, "warning", "will be erased on every device from Fri 19 Jun."],
    ["2026-06-18", false, null, "warning", "from Fri 19 Jun."],
    // The period has ended and this device has not erased yet: it does not say the data is gone.
    ["2026-06-19", false, null, "warning", "ended on Fri 19 Jun: attendees’ personal data is being erased"],
    ["2027-01-01", false, null, "warning", "is being erased"],
    ["2026-06-19", true, "2026-06-19", "info", "was erased on Fri 19 Jun, when"],
    ["2026-06-22", true, "2026-06-20", "info", "was erased on Sat 20 Jun, when"],
    // Erased, then the period lengthened in Settings: the data is gone all the same.
    ["2026-06-01", true, "2026-05-21", "info", "was erased on Thu 21 May, when"],
    // Erased alone on this device's clock: no day of the organizer's erasure to give.
    ["2026-06-20", true, null, "info", "was erased, when"],
  ])("on %s, erased %s (%s): %j", (today, erased, on, tone, words) => {
    const notice = retentionNotice(state(erased, on), today);
    expect(notice?.tone ?? null).toBe(tone);
    if (words) expect(notice?.text).toContain(words);
  });
  it("says nothing for a sprint without days", () => {
    expect(retentionNotice({ ends: null, erased: false, erased_on: null }, "2026-06-01")).toBeNull();
  });
  it.each([
    // (days kept before, after, today, erases?)
    [null, 0, "2026-06-01", true], // ends 2026-05-20: already past
    [null, 12, "2026-06-01", true], // ends 2026-06-01: today
    [null, 13, "2026-06-01", false], // ends tomorrow
    [30, 60, "2026-06-01", false],
    [0, 5, "2026-06-01", false], // ended already before the change: nothing new is erased
    [null, null, "2026-06-01", false],
  ])("retention %s → %s days on %s erases at once: %s", (before, after, today, erases) => {
    const got = retentionErases({ ...sprint, retention_days: before }, { ...sprint, retention_days: after }, today);
    expect(got !== null).toBe(erases);
    if (got) expect(got).toMatch(/cannot be undone/);
  });
  it("writes the year of a day in another year", () => {
    const kept = { ...sprint, retention_days: 230 };
    expect(retentionEnds(kept)).toBe("2027-01-05");
    const ends = { ends: retentionEnds(kept), erased: false, erased_on: null };
    expect(retentionNotice(ends, "2026-12-30")?.text).toContain("from Tue 5 Jan 2027.");
    expect(retentionNotice(ends, "2027-01-02")?.text).toContain("from Tue 5 Jan.");
  });
});

describe("timeZoneMoves", () => {
  const came = [{ people: 0 }, { people: 12 }];
  it.each([
    ["Europe/Prague", "Europe/Prague", came, false],
    ["Europe/Prague", " Europe/Prague ", came, false],
    ["Europe/Prague", "America/Los_Angeles", came, true],
    ["Europe/Prague", "America/Los_Angeles", [{ people: 0 }], false],
    ["Europe/Prague", "America/Los_Angeles", [], false],
    ["Europe/Prague", "utc+2", came, false], // no zone: the core refuses it
  ])("%s → %j with %j: asks %s", (before, after, perDay, asks) => {
    const got = timeZoneMoves({ time_zone: before }, { time_zone: after }, perDay);
    expect(got !== null).toBe(asks);
    if (got) expect(got).toMatch(/recorded in Europe\/Prague.*read in America\/Los_Angeles/);
  });
});

describe("closesNow", () => {
  // 12:00 in Amsterdam (CET, UTC+1) on 25 Oct 2026, the venue open until 18:00.
  const now = new Date("2026-10-25T11:00:00Z");
  const day = (closes: string, is_break = false) => ({ date: "2026-10-25", is_break, opens: "09:00:00", closes });
  const before = { days: [day("18:00:00")] };
  const open = { open: true, date: "2026-10-25", hereNow: 3 };
  it.each([
    ["closing moved to a time already past", day("10:00:00"), open, /^Today’s new closing time, 10:00( AM)?, has passed: saving closes the venue now: the 3 people here are signed out/],
    ["05:00 typed for 17:00", day("05:00:00"), open, /0?5:00( AM)?, has passed/],
    ["closing moved to now exactly", day("12:00:00"), open, /12:00( PM)?, has passed/],
    ["today made a break", day("18:00:00", true), { ...open, hereNow: 1 }, /^Today becomes a break day: saving closes the venue now: the 1 person here is/],
    ["nobody here", day("10:00:00"), { ...open, hereNow: 0 }, /closes the venue now: the door takes no one/],
    ["closing moved later", day("20:00:00"), open, null],
    ["closing moved earlier, still to come", day("15:00:00"), open, null],
    ["the venue already closed", day("10:00:00"), { ...open, open: false }, null],
    ["another day changed", { ...day("10:00:00"), date: "2026-10-26" }, open, null],
  ])("%s", (_, after, venue, words) => {
    const got = closesNow(before, { time_zone: "Europe/Amsterdam", days: [after] }, venue, now);
    if (words === null) expect(got).toBeNull();
    else expect(got).toMatch(words);
  });
});

describe("nextOpenWords", () => {
  it.each([
    ["2026-05-03", "2026-05-04", "tomorrow"],
    // Over a break day, or the week between two weekends: the day, not "tomorrow".
    ["2026-05-03", "2026-05-05", "on Tue 5 May"],
    ["2026-05-03", "2026-05-08", "on Fri 8 May"],
    ["2026-05-03", null, null],
    [null, "2026-05-04", "on Mon 4 May"],
  ])("%s → %s: %s", (today, next, words) => {
    expect(nextOpenWords(today, next)).toBe(words);
  });
});

describe("todayIn", () => {
  // 23:30 UTC on 1 Dec: already 2 Dec east of it, still 1 Dec west.
  const now = new Date(Date.UTC(2026, 11, 1, 23, 30));
  it.each([
    ["UTC", "2026-12-01"],
    ["Etc/GMT-14", "2026-12-02"],
    ["Etc/GMT+12", "2026-12-01"],
    ["Asia/Tokyo", "2026-12-02"],
    ["America/Los_Angeles", "2026-12-01"],
  ])("%s → %s", (zone, day) => {
    expect(todayIn(zone, now)).toBe(day);
  });
  it("falls back to this device's date for a name that is no zone", () => {
    expect(todayIn("Not/AZone", now)).toBe(localToday(now));
  });
});
