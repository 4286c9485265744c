import { describe, expect, it } from "vitest";
import type { Board } from "../bindings/Board";
import type { ProjectBoard } from "../bindings/ProjectBoard";
import { ERROR_CODES } from "../bindings/commands";
import {
  cleanHandle,
  EVERYONE,
  doorLockLeft,
  doorLockMinutes,
  lockWords,
  doorProof,
  kioskError,
  lockDoor,
  screenLock,
  signInSteps,
  stepAfter,
  stepsToAsk,
  tableChoices,
  undoneText,
  venueClosedText,
  walkInProblem,
} from "./kiosk";

describe("signInSteps", () => {
  it.each([
    [{ needs_code_of_conduct: true, asks_photo_consent: true }, ["coc", "photo", "table"]],
    [{ needs_code_of_conduct: true, asks_photo_consent: false }, ["coc", "table"]],
    [{ needs_code_of_conduct: false, asks_photo_consent: true }, ["photo", "table"]],
    [{ needs_code_of_conduct: false, asks_photo_consent: false }, ["table"]],
  ])("%j → %j", (card, steps) => {
    expect(signInSteps(card)).toEqual(steps);
  });

  it("walks the steps in order and ends after the table", () => {
    const steps = signInSteps({ needs_code_of_conduct: true, asks_photo_consent: true });
    expect(stepAfter(steps, "coc")).toBe("photo");
    expect(stepAfter(steps, "photo")).toBe("table");
    expect(stepAfter(steps, "table")).toBeNull();
  });
});

describe("stepsToAsk", () => {
  const newcomer = { needs_code_of_conduct: true, asks_photo_consent: true };
  const cpython = { id: "p-1", name: "CPython", table_label: "T1" };
  it.each([
    ["nothing given", null, ["coc", "photo", "table"]],
    ["everything given", { accept: true, photo: false, table: cpython }, []],
    ["'No table yet' is an answer", { accept: true, photo: true, table: null }, []],
    ["no table chosen", { accept: true, photo: false, table: undefined }, ["table"]],
    ["photos not answered", { accept: true, photo: null, table: cpython }, ["photo"]],
    ["code of conduct not accepted", { accept: false, photo: false, table: cpython }, ["coc"]],
  ] as const)("%s", (_, given, steps) => {
    expect(stepsToAsk(newcomer, given)).toEqual(steps);
  });
  it("asks no more than the person needs", () => {
    const regular = { needs_code_of_conduct: false, asks_photo_consent: false };
    expect(stepsToAsk(regular, { accept: false, photo: null, table: undefined })).toEqual(["table"]);
  });
});

describe("tableChoices", () => {
  const project = (id: string, name: string, table_label: string | null) =>
    ({ project: { id, name, table_label } }) as ProjectBoard;

  it("lists tables by label as people read them, then by name", () => {
    const board = { projects: [project("a", "pip", "T10"), project("b", "Django", "T2"), project("c", "Attic", null), project("d", "CPython", "T1")] } as Board;
    expect(tableChoices(board).map((p) => p.name)).toEqual(["CPython", "Django", "pip", "Attic"]);
  });

  it("is empty before the board has loaded", () => {
    expect(tableChoices(null)).toEqual([]);
  });
});

describe("walk-in form", () => {
  const ok = { name: "Ana Lima", handle: "", firstTimer: true, acceptCoc: true, photoConsent: false };

  it("accepts a complete form", () => {
    expect(walkInProblem(ok)).toBeNull();
  });
  it("asks for what is missing, one thing at a time", () => {
    expect(walkInProblem({ ...ok, name: " " })).toMatch(/name/);
    expect(walkInProblem({ ...ok, acceptCoc: false })).toMatch(/code of conduct/);
    expect(walkInProblem({ ...ok, photoConsent: null })).toMatch(/photos/);
    expect(walkInProblem({ ...ok, handle: "ana lima" })).toMatch(/no spaces/);
  });
  it("cleans a handle as typed", () => {
    expect(cleanHandle(" @ana ")).toBe("ana");
    expect(cleanHandle("   ")).toBeNull();
  });
});

describe("doorProof", () => {
  it.each([
    [{ badge: "QR-1" }, { table: null, badge: "QR-1" }],
    [{ table: { id: "p-1", name: "CPython", table_label: "T1" } }, { table: "p-1" }],
    // "No table" is an answer too: not the same as giving none.
    [{ table: null }, { table: null }],
  ] as const)("%j → %j", (answer, sent) => {
    expect(doorProof(answer)).toEqual(sent);
  });
});

describe("kioskError", () => {
  it("says a refused sign-out or move at the door in the core's words, big", () => {
    const wrong = "That is not where Ana Lima signed in. Scan your badge, or ask at the desk.";
    expect(kioskError({ code: "not_allowed", message: wrong }, "sign_out")).toEqual({ title: "Not signed out", message: wrong });
    const locked = kioskError({ code: "too_many_tries", message: "A wrong table was chosen for Ana Lima a moment ago" }, "move");
    expect(locked.title).toBe("Not moved");
    expect(locked.message).toMatch(/^A wrong table was chosen for Ana Lima a moment ago\.$/);
    expect(kioskError({ code: "too_many_tries", message: "" }, "badge").title).toBe("Too many wrong PINs");
  });
  it("says a browser on the venue network that searched too fast to wait, not that a PIN was wrong", () => {
    const said = "Too many searches from this screen: wait 2 seconds, then type again.";
    expect(kioskError({ code: "too_many_tries", message: said }, "search")).toEqual({ title: "Too many searches", message: said });
  });
  it("turns an unknown badge into words, with what was typed", () => {
    const said = kioskError({ code: "not_found", message: "no one has the badge ZZ-1" }, "badge", "ZZ-1");
    expect(said.title).toBe("We could not find “ZZ-1”");
    expect(said.message).toMatch(/not on the list/);
  });
  it("keeps the core's sentence for a closed venue, tidied", () => {
    const said = kioskError({ code: "venue_closed", message: "the venue opens at 09:00" }, "sign_in");
    expect(said).toEqual({ title: "The venue is closed", message: "The venue opens at 09:00." });
  });
  it("never shows raw JSON or internals", () => {
    const said = kioskError({ code: "storage", message: '{"sqlite": "disk I/O error"}' }, "sign_in");
    expect(said.message).not.toMatch(/[{}]|sqlite/);
    const weird = kioskError({ code: "invalid", message: '{"x":1}' }, "walk_in");
    expect(weird.message).toBe("");
  });
  it("heads a late undo as too late, not as a closed venue", () => {
    const late = kioskError({ code: "too_late_to_undo", message: "it is too late to undo that (15 seconds have passed)" }, "undo");
    expect(late).toEqual({ title: "Too late to undo", message: "It is too late to undo that (15 seconds have passed)." });
    expect(kioskError({ code: "nothing_to_undo", message: "" }, "undo").title).toBe("Nothing to undo");
  });
  it.each(ERROR_CODES.map((code) => [code]))("says %s in words a person at the door reads", (code) => {
    const said = kioskError({ code, message: "" }, "sign_in");
    expect(said.title).not.toMatch(/_|[{}]/);
    expect(said.message).not.toMatch(/_|[{}]/);
    expect(said.title.length).toBeGreaterThan(3);
  });
  it.each([
    ["sign_in", "Not signed in", "This kiosk could not save your sign-in."],
    ["sign_out", "Not signed out", "This kiosk could not save your sign-out."],
    ["move", "Not moved", "This kiosk could not save the move to another table."],
    ["walk_in", "Not registered", "This kiosk could not save your registration."],
    ["undo", "It could not be undone", "This kiosk could not save the undo."],
    ["search", "Something went wrong", "This kiosk cannot read the sprint just now."],
    ["badge", "Something went wrong", "This kiosk cannot read the sprint just now."],
  ] as const)("says a failed disk at %s as what was not kept", (context, title, first) => {
    const said = kioskError({ code: "storage", message: "disk I/O error" }, context);
    expect(said.title).toBe(title);
    expect(said.message).toBe(`${first} Please ask an organizer for help.`);
  });
  it("says someone signed out meanwhile is signed out already, in the core's words", () => {
    const said = kioskError({ code: "not_signed_in", message: "Ana Lima is not signed in right now" }, "sign_out");
    expect(said).toEqual({
      title: "Already signed out",
      message: "Ana Lima is not signed in right now. It may have been done at another door.",
    });
    expect(kioskError({ code: "not_signed_in", message: "" }, "sign_out").message).toBe("It may have been done at another door.");
    expect(kioskError({ code: "not_signed_in", message: "" }, "move")).toEqual({ title: "Not signed in", message: "Please sign in first." });
  });
  it("tells a kiosk with no sprint to find an organizer", () => {
    expect(kioskError({ code: "no_sprint", message: "no sprint" }, "search")).toEqual({
      title: "This kiosk is not set up yet",
      message: "Please ask an organizer for help.",
    });
  });
  it("tells the kiosk user to find an organizer when the core is gone", () => {
    expect(kioskError({ code: "unreachable", message: "x" }, "search").title).toMatch(/cannot reach/);
  });
});

describe("undoneText", () => {
  it("says the result of taking a sign-in or sign-out back", () => {
    expect(undoneText("Ana Lima was signed in")).toBe("Undone: Ana Lima’s sign-in is taken back.");
    expect(undoneText("Ana Lima was signed out")).toBe("Undone: Ana Lima is still signed in.");
  });
  it("passes anything else on", () => {
    expect(undoneText("Ana Lima moved to T3")).toBe("Undone: Ana Lima moved to T3.");
    expect(undoneText("")).toBe("Undone.");
  });
});

describe("door locks", () => {
  const said = (minutes: number) =>
    `A wrong table was chosen for Ana Lima a moment ago, so choosing a table for Ana Lima is off here for ${minutes} more ${minutes === 1 ? "minute" : "minutes"}. Scan your badge, or ask at the desk.`;

  it("reads the minutes from the core's refusal", () => {
    expect(doorLockMinutes({ code: "too_many_tries", message: said(10) })).toBe(10);
    expect(doorLockMinutes({ code: "too_many_tries", message: said(1) })).toBe(1);
  });
  it("reads hours, after more wrong tables in a row, as minutes", () => {
    const hours = (n: number) => `That is not where Ana Lima signed in. Choosing a table for Ana Lima is off here for ${n} more ${n === 1 ? "hour" : "hours"}: scan your badge, or ask at the desk.`;
    expect(doorLockMinutes({ code: "not_allowed", message: hours(1) })).toBe(60);
    expect(doorLockMinutes({ code: "not_allowed", message: hours(6) })).toBe(360);
  });
  it("says what is left in minutes, then hours", () => {
    expect([1, 10, 59, 60, 61, 119, 120, 121, 360, 1440].map(lockWords)).toEqual([
      "minute",
      "10 minutes",
      "59 minutes",
      "60 minutes",
      "61 minutes",
      "119 minutes",
      "2 hours",
      "3 hours",
      "6 hours",
      "24 hours",
    ]);
  });
  it("is no lock for any other refusal, or one that says no minutes", () => {
    expect(doorLockMinutes({ code: "not_allowed", message: "That is not Ana Lima's badge." })).toBeNull();
    const first = "That is not where Ana Lima signed in. Choosing a table for Ana Lima is off here for 10 more minutes: scan your badge, or ask at the desk.";
    expect(doorLockMinutes({ code: "not_allowed", message: first })).toBe(10);
    expect(doorLockMinutes({ code: "too_many_tries", message: "" })).toBeNull();
  });
  it("counts the minutes left up, per person, until it ends", () => {
    const now = 1_000_000;
    const locks = lockDoor({}, "a-1", 10, now);
    expect(doorLockLeft(locks, "a-1", now)).toBe(10);
    expect(doorLockLeft(locks, "a-1", now + 1)).toBe(10);
    expect(doorLockLeft(locks, "a-1", now + 9 * 60_000 + 1)).toBe(1);
    expect(doorLockLeft(locks, "a-1", now + 10 * 60_000)).toBe(0);
    expect(doorLockLeft(locks, "a-2", now)).toBe(0);
  });
  it("locks everyone at this screen when the server says too many wrong tables came from it", () => {
    const said =
      "Too many wrong tables were chosen from this screen, so choosing a table is off here for 30 more minutes: scan your badge, or ask at the desk.";
    const refusal = { code: "too_many_tries" as const, message: said };
    expect(screenLock(refusal)).toBe(true);
    expect(doorLockMinutes(refusal)).toBe(30);
    const person = "A wrong table was chosen for Ana Lima a moment ago, so choosing a table for Ana Lima is off here for 10 more minutes.";
    expect(screenLock({ code: "too_many_tries", message: person })).toBe(false);
    expect(screenLock({ code: "not_allowed", message: said })).toBe(false);
    const locks = lockDoor(lockDoor({}, "a-1", 10, 0), EVERYONE, 30, 0);
    expect(doorLockLeft(locks, "a-2", 0)).toBe(30);
    expect(doorLockLeft(locks, "a-1", 20 * 60_000)).toBe(10);
    expect(doorLockLeft(locks, "a-1", 30 * 60_000)).toBe(0);
  });
  it("keeps other people's locks, and a later refusal sets a person's anew", () => {
    const locks = lockDoor(lockDoor({}, "a-1", 10, 0), "a-2", 3, 0);
    expect(doorLockLeft(locks, "a-1", 0)).toBe(10);
    expect(doorLockLeft(lockDoor(locks, "a-1", 2, 0), "a-1", 0)).toBe(2);
  });
});

describe("venueClosedText", () => {
  it.each([
    [{ state: "open" }, null],
    [
      { state: "closed", closed: "18:00", reopens: "2026-07-15" },
      "The venue closed at 18:00 today: signing in starts again on Wed 15 Jul.",
    ],
    // The last day's closing: no "next sprint day" is promised.
    [{ state: "closed", closed: "18:00", reopens: null }, "The venue closed at 18:00 today, and the sprint is over: thank you for coming!"],
    [{ state: "break", reopens: "2026-07-15" }, "Today is a break day: the venue is closed until Wed 15 Jul."],
    [{ state: "break", reopens: null }, "Today is a break day: the venue is closed."],
    // Before the sprint, or between two of its days (a sprint over two weekends).
    [{ state: "before", starts: "2026-07-13" }, "The venue opens on Mon 13 Jul: come back then to sign in."],
    [{ state: "over" }, "The sprint is over: thank you for coming!"],
  ] as const)("%j → %j", (venue, text) => {
    expect(venueClosedText(venue)).toBe(text);
  });
});
