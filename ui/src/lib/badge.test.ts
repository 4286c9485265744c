import { describe, expect, it } from "vitest";
import { enterAction, looksLikeBadge, moveActive } from "./badge";

describe("looksLikeBadge", () => {
  it.each([
    ["BADGE-4242", true],
    ["DEMO-50904", true],
    ["7KQ2MXW4PA", true],
    ["  A1B2C3  ", true],
    ["lukasz", false],
    ["Ana María", false],
    ["ana 2", false],
    ["12", false],
    ["", false],
  ])("%j → %s", (text, expected) => {
    expect(looksLikeBadge(text)).toBe(expected);
  });
});

describe("enterAction", () => {
  const base = { text: "", results: 0 as number | null, active: -1, moved: false };

  it("does nothing on an empty field", () => {
    expect(enterAction({ ...base, text: "   " })).toEqual({ kind: "none" });
  });

  it("chooses the one person a name finds", () => {
    expect(enterAction({ ...base, text: "lukasz", results: 1, active: 0 })).toEqual({ kind: "choose", index: 0 });
  });

  it("never guesses among several people: they pick (with the arrows, or a tap)", () => {
    expect(enterAction({ ...base, text: "lukasz", results: 3, active: 0 })).toEqual({ kind: "pick", count: 3 });
    expect(enterAction({ ...base, text: "lukasz", results: 3, active: 2, moved: true })).toEqual({ kind: "choose", index: 2 });
  });

  it("looks a code up as a badge even while a search for it shows someone", () => {
    // A scanner's code can match a name by accident ("DEMO-5" finds no one, "A1" might): the code wins.
    expect(enterAction({ ...base, text: "BADGE-4242", results: 1, active: 0 })).toEqual({
      kind: "badge",
      code: "BADGE-4242",
    });
  });

  it("looks a code up as a badge before its search has answered", () => {
    expect(enterAction({ ...base, text: "BADGE-4242", results: null })).toEqual({ kind: "badge", code: "BADGE-4242" });
  });

  it("tries text that matches no one as a badge", () => {
    expect(enterAction({ ...base, text: "zzzz", results: 0 })).toEqual({ kind: "badge", code: "zzzz" });
  });

  it("waits for the search when a name's results are not in yet", () => {
    expect(enterAction({ ...base, text: "ana", results: null, active: 0 })).toEqual({ kind: "wait" });
  });

  it("respects a result chosen with the arrow keys, even for code-like text", () => {
    expect(enterAction({ text: "ana2", results: 2, active: 1, moved: true })).toEqual({ kind: "choose", index: 1 });
  });

  it("ignores a highlight that points past the results", () => {
    expect(enterAction({ text: "ana", results: 1, active: 3, moved: true })).toEqual({ kind: "badge", code: "ana" });
  });
});

describe("moveActive", () => {
  it("wraps round both ways", () => {
    expect(moveActive(0, 1, 3)).toBe(1);
    expect(moveActive(2, 1, 3)).toBe(0);
    expect(moveActive(0, -1, 3)).toBe(2);
  });
  it("starts at the top going down and at the bottom going up", () => {
    expect(moveActive(-1, 1, 4)).toBe(0);
    expect(moveActive(-1, -1, 4)).toBe(3);
  });
  it("has nowhere to go without results", () => {
    expect(moveActive(0, 1, 0)).toBe(-1);
  });
});
