import { describe, expect, it } from "vitest";
import { boardFontPx, cardLists, clampPage, columnCount, nextPage, NO_LIMITS, packPages, previousPage, shorten } from "./rotation";

describe("type and columns on every projector", () => {
  const cases: [string, number, number, number, number][] = [
    // name, width, height, type at least, columns
    ["720p", 1280, 720, 16, 3],
    ["WXGA", 1280, 800, 17, 3],
    ["1080p", 1920, 1080, 25, 3],
    ["4K", 3840, 2160, 50, 3],
    ["portrait 1080p", 1080, 1920, 23, 2],
    ["tablet portrait", 768, 1024, 16, 2],
    ["small window", 640, 480, 15, 2],
  ];
  it.each(cases)("%s", (_name, width, height, minType, columns) => {
    const font = boardFontPx(width, height);
    expect(font).toBeGreaterThanOrEqual(minType);
    expect(columnCount(width, font)).toBe(columns);
  });
  it("never smaller than 15 px nor larger than 60 px", () => {
    expect(boardFontPx(300, 200)).toBe(15);
    expect(boardFontPx(10000, 8000)).toBe(60);
  });
});

describe("packPages", () => {
  const cases: [string, number[], number, number, number[][][]][] = [
    ["nothing: one empty page", [], 3, 500, [[]]],
    ["all in one column", [100, 100, 100], 2, 400, [[[0, 1, 2]]]],
    ["gap counted: the third moves on", [190, 190, 10], 3, 400, [[[0, 1], [2]]]],
    ["columns fill, then a new page", [300, 300, 300, 300], 2, 400, [[[0], [1]], [[2], [3]]]],
    ["a card taller than a column has one of its own", [100, 900, 100], 3, 400, [[[0], [1], [2]]]],
    ["order is kept", [50, 350, 50, 50], 1, 400, [[[0]], [[1]], [[2, 3]]]],
  ];
  it.each(cases)("%s", (_name, heights, columns, available, pages) => {
    expect(packPages(heights, columns, available, 10)).toEqual(pages);
  });

  it("places every card exactly once, in order, within the height it was given", () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let round = 0; round < 200; round++) {
      const heights = Array.from({ length: Math.floor(random() * 30) }, () => 20 + Math.floor(random() * 500));
      const columns = 1 + Math.floor(random() * 4);
      const pages = packPages(heights, columns, 400, 12);
      const flat = pages.flat(2);
      expect(flat).toEqual(heights.map((_, i) => i));
      for (const page of pages) {
        expect(page.length).toBeLessThanOrEqual(columns);
        for (const column of page) {
          const used = column.reduce((sum, i) => sum + (heights[i] ?? 0), 0) + 12 * (column.length - 1);
          if (column.length > 1) expect(used).toBeLessThanOrEqual(400);
        }
      }
    }
  });
});

describe("paging", () => {
  it("turns forwards and backwards round the pages", () => {
    expect(nextPage(0, 3)).toBe(1);
    expect(nextPage(2, 3)).toBe(0);
    expect(previousPage(0, 3)).toBe(2);
    expect(previousPage(1, 3)).toBe(0);
    expect(nextPage(0, 1)).toBe(0);
  });
  it("a page index from before the pages shrank starts again", () => {
    expect(clampPage(4, 2)).toBe(0);
    expect(clampPage(1, 2)).toBe(1);
    expect(nextPage(5, 2)).toBe(1);
  });
});

describe("shorten", () => {
  const lengths = { present: 40, goals: 6, claims: 12 };
  it("cuts each list by the square root of how much too tall the card was", () => {
    expect(shorten(NO_LIMITS, lengths, 1000, 500)).toEqual({ present: 28, goals: 4, claims: 8, notes: 3 });
    expect(shorten(NO_LIMITS, lengths, 1000, 950)).toEqual({ present: 36, goals: 5, claims: 10, notes: 3 });
  });
  it("comes down to a few names, one goal and one claim; then names, then every list, go to counts; then notes to a line", () => {
    const steps = [];
    let limits = { ...NO_LIMITS };
    for (let i = 0; i < 20; i++) {
      const next = shorten(limits, lengths, 1000, 100);
      if (next === null) break;
      steps.push(next);
      limits = next;
    }
    expect(steps.at(-5)).toEqual({ present: 3, goals: 1, claims: 1, notes: 3 });
    expect(steps.at(-4)).toEqual({ present: 0, goals: 1, claims: 1, notes: 3 });
    expect(steps.at(-3)).toEqual({ present: 0, goals: 0, claims: 0, notes: 3 });
    expect(steps.at(-2)).toEqual({ present: 0, goals: 0, claims: 0, notes: 2 });
    expect(steps.at(-1)).toEqual({ present: 0, goals: 0, claims: 0, notes: 1 });
    expect(shorten(limits, lengths, 1000, 100)).toBeNull();
  });
  it("short lists are left whole until nothing else is left", () => {
    expect(shorten(NO_LIMITS, { present: 2, goals: 1, claims: 0 }, 1000, 500)).toEqual({
      present: 0,
      goals: 1,
      claims: 0,
      notes: 3,
    });
    expect(shorten(NO_LIMITS, { present: 0, goals: 0, claims: 0 }, 1000, 500)).toEqual({
      present: 0,
      goals: 0,
      claims: 0,
      notes: 2,
    });
    expect(shorten({ ...NO_LIMITS, notes: 1 }, { present: 0, goals: 0, claims: 0 }, 1000, 500)).toBeNull();
  });
});

describe("cardLists", () => {
  const card = { present: [1, 2, 3], goals: [1], claims: [1, 2] };
  it("counts the names only where the card shows them", () => {
    expect(cardLists(card, true)).toEqual({ present: 3, goals: 1, claims: 2 });
    expect(cardLists(card, false)).toEqual({ present: 0, goals: 1, claims: 2 });
  });
});
