/**
 * The projector board's layout and paging. Type grows with the screen; columns follow from the type size;
 * pages are made by what the cards hold (measured), so no card is cut and no page is half empty.
 */

/**
 * Seconds each page stays on the projector when the device does not say (its setup's
 * `board_page_seconds`, set in Settings; the same default as the core's).
 */
export const ROTATE_SECONDS = 12;

/** The board's base type size in pixels: readable from the back of a room at every projector size. */
export function boardFontPx(width: number, height: number): number {
  const portrait = height > width;
  const size = Math.min(width / (portrait ? 46 : 74), height / 42);
  return Math.round(Math.min(60, Math.max(15, size)) * 10) / 10;
}

/** Columns of cards: as many as fit at about twenty characters' width each, one to four. */
export function columnCount(width: number, fontPx: number): number {
  if (fontPx <= 0) return 1;
  return Math.min(4, Math.max(1, Math.floor(width / (fontPx * 20))));
}

/**
 * Packs cards of the given heights, in order, into columns of `available` pixels and those into pages of
 * `columns` columns. Returns page → column → card positions. A card taller than a column gets a column of its
 * own (the caller shortens it). A card whose `spans` is 2 (a wide card) takes two columns of its own, side
 * by side. There is always at least one page.
 */
export function packPages(
  heights: readonly number[],
  columns: number,
  available: number,
  gap: number,
  spans: readonly number[] = [],
): number[][][] {
  const cols = Math.max(1, columns);
  const span = (i: number) => Math.min(cols, Math.max(1, spans[i] ?? 1));
  const widths = heights.map((_, i) => span(i));
  const pages: number[][][] = [];
  let page: number[][] = [];
  let column: number[] = [];
  let used = 0;
  /** Ends the column being filled, and the page once its columns are full. */
  const endColumn = () => {
    if (column.length > 0) page.push(column);
    column = [];
    used = 0;
    if (pageWidth(page, widths) >= cols) {
      pages.push(page);
      page = [];
    }
  };
  heights.forEach((height, i) => {
    if (span(i) > 1) {
      endColumn();
      if (pageWidth(page, widths) + span(i) > cols) {
        pages.push(page);
        page = [];
      }
      column.push(i);
      endColumn();
      return;
    }
    const needed = column.length === 0 ? height : used + gap + height;
    if (column.length > 0 && needed > available) endColumn();
    used = column.length === 0 ? height : used + gap + height;
    column.push(i);
  });
  if (column.length > 0) page.push(column);
  if (page.length > 0 || pages.length === 0) pages.push(page);
  return pages;
}

/** How many of the board's columns a page's columns take (a wide card's two). */
export function pageWidth(page: readonly (readonly number[])[], spans: readonly number[] = []): number {
  return page.reduce((sum, column) => sum + Math.max(1, spans[column[0] ?? -1] ?? 1), 0);
}

/** Whether a card shows less than it holds: names, goals or issues left out, or its notes shortened. */
export function isCut(limits: CardLimits, lengths: CardLists): boolean {
  return (
    limits.present < lengths.present ||
    limits.goals < lengths.goals ||
    limits.claims < lengths.claims ||
    limits.notes < NO_LIMITS.notes
  );
}

/**
 * The cards to show two columns wide: those cut on the last page (the only one with columns to spare), as
 * many as it has columns to spare, first first. A busy table on a three-table board said "+2 more goals"
 * beside an empty column. The caller fits them at that width and keeps them wide only if the pages stay as
 * many; `fewer` asks for one card less than the last answer (`null` when none is left to try).
 */
export function widerCards(
  pages: readonly (readonly (readonly number[])[])[],
  cut: readonly boolean[],
  columns: number,
  fewer = 0,
): number[] | null {
  const last = pages[pages.length - 1] ?? [];
  const spare = columns - pageWidth(last);
  if (columns < 2 || spare < 1) return null;
  const candidates = last.flat().filter((i) => cut[i]);
  const count = Math.min(spare, candidates.length) - fewer;
  return count > 0 ? candidates.slice(0, count) : null;
}

/** The page after `page`, back to the first after the last. */
export function nextPage(page: number, pages: number): number {
  return pages <= 0 ? 0 : (clampPage(page, pages) + 1) % pages;
}

/** The page before `page`, round to the last from the first. */
export function previousPage(page: number, pages: number): number {
  return pages <= 0 ? 0 : (clampPage(page, pages) + pages - 1) % pages;
}

/** Keeps a page index valid after the pages changed. */
export function clampPage(page: number, pages: number): number {
  return page >= pages || page < 0 ? 0 : page;
}

/** How long a card's lists are. */
export type CardLists = { present: number; goals: number; claims: number };

/**
 * How long a card's lists are, as `shorten` sees them: names the card does not show (the door's board,
 * `names` false) are not a list to shorten.
 */
export function cardLists(p: { present: unknown[]; goals: unknown[]; claims: unknown[] }, names: boolean): CardLists {
  return { present: names ? p.present.length : 0, goals: p.goals.length, claims: p.claims.length };
}

/**
 * How many of a card's lists to show, and how many lines each of its notes (the help wanted, done, next)
 * says on the board; the blockers one more. The stand-up's card shows its notes whole.
 */
export type CardLimits = CardLists & { notes: number };

export const NO_LIMITS: CardLimits = { present: Infinity, goals: Infinity, claims: Infinity, notes: 3 };

/**
 * Shorter lists for a card that was `height` pixels where `available` fit, given how long its lists are:
 * each list is cut in proportion (names first, as they are one line for many), to a few names, one goal and
 * one issue; then the names go to their count, then the notes a line shorter at a time, down to one; only
 * then the goals and issues to their counts (the longest of everything a lead can write, under a long sprint
 * name). Goals and who works on what are what the board is for: a busy table on a landscape projector showed
 * its help note, status and names whole and "+3 more goals", "+3 more" under them. Returns `null` when
 * nothing more can be cut.
 */
export function shorten(
  limits: CardLimits,
  lengths: CardLists,
  height: number,
  available: number,
): CardLimits | null {
  // Gently (the square root of how much too tall): cutting in proportion overshoots, as headings stay.
  const ratio = Math.max(0.5, Math.min(0.9, Math.sqrt(available / height)));
  const cut = (limit: number, length: number, floor: number) => {
    const now = Math.min(limit, length);
    return Math.max(Math.min(floor, now), Math.floor(now * ratio));
  };
  const same = (next: CardLimits) =>
    next.present === Math.min(limits.present, lengths.present) &&
    next.goals === Math.min(limits.goals, lengths.goals) &&
    next.claims === Math.min(limits.claims, lengths.claims);
  const next = {
    present: cut(limits.present, lengths.present, 3),
    goals: cut(limits.goals, lengths.goals, 1),
    claims: cut(limits.claims, lengths.claims, 1),
    notes: limits.notes,
  };
  if (!same(next)) return next;
  // At a few of each and still too tall (a long help note, long blockers): the names go to their count
  // ("and 10 more"), then the notes shorten, and last the goals and issues go to theirs.
  const bare = { ...next, present: 0 };
  if (!same(bare)) return bare;
  if (limits.notes > 1) return { ...bare, notes: limits.notes - 1 };
  const none = { present: 0, goals: 0, claims: 0, notes: limits.notes };
  return same(none) ? null : none;
}

/**
 * What is given back to a card `shorten` cut, once it fits, in turn: a few goals and issues alike (up to
 * `upTo` each), then the lead's notes, then names, then what room is left to goals and then to issues. Each
 * stage is one number shared by its lists, found by halving: a few layouts per list, never more than fits.
 */
const GIVE_BACK: readonly { lists: readonly (keyof CardLimits)[]; upTo: number }[] = [
  { lists: ["goals", "claims"], upTo: 3 },
  { lists: ["notes"], upTo: Infinity },
  { lists: ["present"], upTo: Infinity },
  { lists: ["goals"], upTo: Infinity },
  { lists: ["claims"], upTo: Infinity },
];

/** A card being given back what it can hold: `fit` fits; the stage's number lies in `low`..`high`. */
export type Growth = { fit: CardLimits; stage: number; low: number; high: number };

/** The most of `list` a card can show: every item, or its notes' three lines. */
function most(list: keyof CardLimits, lengths: CardLists): number {
  return list === "notes" ? NO_LIMITS.notes : lengths[list];
}

/** The most of `list` the stage `stage` gives back. */
function stageMost(stage: number, list: keyof CardLimits, lengths: CardLists): number {
  return Math.min(most(list, lengths), GIVE_BACK[stage]?.upTo ?? 0);
}

/** `fit` with the stage's lists showing `k` items each (those showing more keep theirs). */
function grownTo(g: Growth, lengths: CardLists, k: number): CardLimits {
  const next = { ...g.fit };
  for (const list of GIVE_BACK[g.stage]?.lists ?? []) {
    next[list] = Math.max(Math.min(g.fit[list], most(list, lengths)), Math.min(k, stageMost(g.stage, list, lengths)));
  }
  return next;
}

/** The growth at the first stage from `stage` on that has anything to give back; `stage` past the last ends. */
function atStage(fit: CardLimits, lengths: CardLists, stage: number): Growth {
  for (; stage < GIVE_BACK.length; stage++) {
    // The lists of the stage that have more to give (a full one stays as it is).
    const open = (GIVE_BACK[stage]?.lists ?? []).filter(
      (list) => Math.min(fit[list], most(list, lengths)) < stageMost(stage, list, lengths),
    );
    if (open.length > 0) {
      const low = Math.min(...open.map((list) => Math.min(fit[list], most(list, lengths))));
      const high = Math.max(...open.map((list) => stageMost(stage, list, lengths)));
      return { fit, stage, low, high };
    }
  }
  return { fit, stage, low: 0, high: 0 };
}

/** Starts giving back to a card that fits with `fit`. */
export function startGrowth(fit: CardLimits, lengths: CardLists): Growth {
  return atStage(fit, lengths, 0);
}

/** The limits to measure next, or `null` when nothing more can be given back (`fit` is the answer). */
export function growthTrial(g: Growth, lengths: CardLists): CardLimits | null {
  if (g.stage >= GIVE_BACK.length) return null;
  return grownTo(g, lengths, Math.ceil((g.low + g.high) / 2));
}

/** The growth after `growthTrial`'s limits were measured: they fit, or they did not. */
export function grown(g: Growth, lengths: CardLists, fits: boolean): Growth {
  if (g.stage >= GIVE_BACK.length) return g;
  const k = Math.ceil((g.low + g.high) / 2);
  const next = fits ? { ...g, fit: grownTo(g, lengths, k), low: k } : { ...g, high: k - 1 };
  return next.low >= next.high ? atStage(next.fit, lengths, g.stage + 1) : next;
}

/**
 * Settles how much of each card the board shows: every card taller than `available` is shortened until it
 * fits (or nothing more can go), then given back what still fits, so no card says "and 8 more" with room
 * beside it. `measure` draws the cards with the limits given and answers their heights (`null`: the board
 * went away). Answers the limits and the heights they were measured at.
 */
export async function fitCards(
  lengths: readonly CardLists[],
  available: number,
  measure: (limits: readonly CardLimits[]) => Promise<readonly number[] | null>,
): Promise<{ limits: CardLimits[]; heights: number[] } | null> {
  const cards = lengths.map((l) => ({ lengths: l, limits: NO_LIMITS, cut: false, growth: null as Growth | null }));
  // A card a little too tall loses a tenth of a list a round, then its lists go to counts and its notes to
  // a line: a crowded table takes some 30 rounds (each a layout, a few ms).
  let fits: boolean[] = [];
  for (let round = 0; round <= 60; round++) {
    const heights = await measure(cards.map((c) => c.limits));
    if (!heights) return null;
    fits = cards.map((_, i) => (heights[i] ?? 0) <= available);
    if (round === 60) break;
    let changed = false;
    cards.forEach((c, i) => {
      const height = heights[i] ?? 0;
      const shorter = height > available ? shorten(c.limits, c.lengths, height, available) : null;
      if (!shorter) return;
      c.limits = shorter;
      changed = c.cut = true;
    });
    if (!changed) break;
  }
  // Then what fits is given back, to every cut card that fits at once: some 20 rounds more.
  cards.forEach((c, i) => {
    if (c.cut && fits[i]) c.growth = startGrowth(c.limits, c.lengths);
  });
  for (let round = 0; round < 60; round++) {
    const trials = cards.map((c) => (c.growth ? growthTrial(c.growth, c.lengths) : null));
    if (trials.every((t) => t === null)) break;
    const heights = await measure(cards.map((c, i) => trials[i] ?? c.limits));
    if (!heights) return null;
    cards.forEach((c, i) => {
      if (!c.growth || !trials[i]) return;
      c.growth = grown(c.growth, c.lengths, (heights[i] ?? 0) <= available);
      c.limits = c.growth.fit;
    });
  }
  const limits = cards.map((c) => c.limits);
  const heights = await measure(limits);
  return heights ? { limits, heights: [...heights] } : null;
}
