import { describe, expect, it } from "vitest";
import {
  boardFontPx,
  cardLists,
  clampPage,
  columnCount,
  fitCards,
  nextPage,
  NO_LIMITS,
  packPages,
  pageWidth,
  previousPage,
  widerCards,
  isCut,
  shorten,
  type CardLimits,
  type CardLists,
} from "./rotation";

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

describe("wide cards", () => {
  const cases: [string, number[], number[], number, number[][][]][] = [
    // name, heights, spans, columns, pages
    ["a wide card takes two columns of its own", [100, 100, 300], [1, 1, 2], 3, [[[0, 1], [2]]]],
    ["one before it ends its column, and the page is full", [100, 300, 100], [1, 2, 1], 3, [[[0], [1]], [[2]]]],
    ["no room for two columns: a new page", [300, 300, 300], [1, 1, 2], 3, [[[0], [1]], [[2]]]],
    ["a wide card on a one-column board is one column", [100, 100], [2, 1], 1, [[[0, 1]]]],
  ];
  it.each(cases)("%s", (_name, heights, spans, columns, pages) => {
    expect(packPages(heights, columns, 400, 10, spans)).toEqual(pages);
  });

  it("never puts more columns on a page than the board has, and keeps order", () => {
    let seed = 11;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let round = 0; round < 300; round++) {
      const n = Math.floor(random() * 20);
      const heights = Array.from({ length: n }, () => 20 + Math.floor(random() * 500));
      const spans = Array.from({ length: n }, () => (random() < 0.3 ? 2 : 1));
      const columns = 1 + Math.floor(random() * 4);
      const pages = packPages(heights, columns, 400, 12, spans);
      expect(pages.flat(2)).toEqual(heights.map((_, i) => i));
      for (const page of pages) {
        expect(pageWidth(page, spans.map((s) => Math.min(s, columns)))).toBeLessThanOrEqual(columns);
        for (const column of page) if (column.length > 1) expect(column.every((i) => spans[i] === 1 || columns === 1)).toBe(true);
      }
    }
  });

  // page → column → cards; which are cut; columns; fewer → the cards to widen.
  const picks: [string, number[][][], boolean[], number, number, number[] | null][] = [
    ["three tables, one busy: it goes wide", [[[0, 1], [2]]], [false, false, true], 3, 0, [2]],
    ["one card fewer, none left", [[[0, 1], [2]]], [false, false, true], 3, 1, null],
    ["no column to spare", [[[0], [1], [2]]], [true, false, false], 3, 0, null],
    ["only the last page has room", [[[0], [1], [2]], [[3]]], [true, false, false, true], 3, 0, [3]],
    ["as many as columns to spare", [[[0], [1]]], [true, true], 4, 0, [0, 1]],
    ["nothing cut: nothing to widen", [[[0], [1]]], [false, false], 3, 0, null],
    ["a one-column board", [[[0]]], [true], 1, 0, null],
  ];
  it.each(picks)("%s", (_name, pages, cut, columns, fewer, wide) => {
    expect(widerCards(pages, cut, columns, fewer)).toEqual(wide);
  });

  it("a card is cut when it shows less than it holds", () => {
    const lengths = { present: 5, goals: 3, claims: 2 };
    expect(isCut(NO_LIMITS, lengths)).toBe(false);
    expect(isCut({ ...NO_LIMITS, goals: 2 }, lengths)).toBe(true);
    expect(isCut({ ...NO_LIMITS, notes: 2 }, lengths)).toBe(true);
    expect(isCut({ present: 5, goals: 3, claims: 2, notes: 3 }, lengths)).toBe(false);
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
  it("comes down to a few names, one goal and one claim; then names go to a count, notes to a line, and last goals and claims to counts", () => {
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
    expect(steps.at(-3)).toEqual({ present: 0, goals: 1, claims: 1, notes: 2 });
    expect(steps.at(-2)).toEqual({ present: 0, goals: 1, claims: 1, notes: 1 });
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

/**
 * A card as the board draws it, in pixels: a heading; three notes of so many lines each (the blockers one
 * more); names four to a line, "and N more" as wide as a name; goals and issues of their own heights, each
 * list's "+N more" a line.
 */
type Card = { notes: number[]; present: number; goals: number[]; claims: number[] };
const LINE = 20;

function cardHeight(card: Card, l: CardLimits): number {
  const notes = card.notes.reduce((sum, lines, i) => sum + Math.min(lines, l.notes + (i === 2 ? 1 : 0)) * LINE, 0);
  const shownNames = Math.min(l.present, card.present);
  const names = Math.ceil((shownNames + (shownNames < card.present ? 1 : 0)) / 4) * LINE;
  const list = (items: number[], limit: number) =>
    items.slice(0, Math.min(limit, items.length)).reduce((a, b) => a + b, 0) + (limit < items.length ? LINE : 0);
  return 3 * LINE + notes + names + list(card.goals, l.goals) + list(card.claims, l.claims);
}

function lengthsOf(card: Card): CardLists {
  return { present: card.present, goals: card.goals.length, claims: card.claims.length };
}

/** A small seeded generator, so a failing case is the same every run. */
function random(seed: number) {
  let x = seed;
  return (n: number) => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x % n;
  };
}

async function fit(cards: Card[], available: number) {
  let calls = 0;
  const fitted = await fitCards(cards.map(lengthsOf), available, async (all) => {
    calls++;
    return cards.map((c, i) => cardHeight(c, all[i] ?? NO_LIMITS));
  });
  if (!fitted) throw new Error("the board went away");
  return { ...fitted, calls };
}

describe("fitCards", () => {
  // The walkthrough's table: the longest notes, 30 people, 9 goals, 4 issues. Shortening alone left it at
  // 13 names in 500 px, and at no names and two lines of notes in 330 px, each with room to spare.
  const busy: Card = { notes: [8, 8, 8], present: 30, goals: Array(9).fill(40), claims: Array(4).fill(40) };
  const cases: [number, CardLimits][] = [
    [500, { present: 15, goals: 2, claims: 1, notes: 3 }],
    // (It showed three names and its notes whole, and no goal or issue: what the board is for.)
    [330, { present: 11, goals: 1, claims: 1, notes: 1 }],
  ];
  for (const [available, expected] of cases) {
    it(`a busy card in ${available} px is given back the room shortening left`, async () => {
      const { limits, heights } = await fit([busy], available);
      expect(limits[0]).toEqual(expected);
      expect(heights[0]).toBeLessThanOrEqual(available);
    });
  }

  it("a card that fits is shown whole", async () => {
    const card: Card = { notes: [1, 1, 1], present: 5, goals: [40], claims: [40] };
    const { limits, calls } = await fit([card], 900);
    expect(limits[0]).toEqual(NO_LIMITS);
    expect(calls).toBe(2);
  });

  it("every card ends fitting, and no list could show one more and still fit", async () => {
    const next = random(7);
    const items = (n: number) => Array.from({ length: n }, () => LINE + next(8) * LINE);
    for (let run = 0; run < 300; run++) {
      const cards = Array.from({ length: 1 + next(6) }, () => ({
        notes: [next(8), next(8), next(8)],
        present: next(60),
        goals: items(next(14)),
        claims: items(next(14)),
      }));
      const available = 300 + next(900);
      const { limits, heights, calls } = await fit(cards, available);
      expect(calls).toBeLessThan(90);
      cards.forEach((card, i) => {
        const l = limits[i] ?? NO_LIMITS;
        const height = heights[i] ?? 0;
        expect(height).toBe(cardHeight(card, l));
        const smallest = { present: 0, goals: 0, claims: 0, notes: 1 };
        if (cardHeight(card, smallest) <= available) expect(height, `run ${run} card ${i}`).toBeLessThanOrEqual(available);
        if (height > available) return;
        const lengths = { ...lengthsOf(card), notes: 3 };
        for (const list of ["present", "goals", "claims", "notes"] as const) {
          if (Math.min(l[list], lengths[list]) >= lengths[list]) continue;
          const more: CardLimits = { ...l };
          more[list] = Math.min(l[list], lengths[list]) + 1;
          expect(cardHeight(card, more), `run ${run} card ${i}: one more of ${list} still fits`).toBeGreaterThan(available);
        }
      });
    }
  });
});
