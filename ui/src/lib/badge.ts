/**
 * The kiosk's Enter key: choose a search result, or look the text up as a badge code. A keyboard-wedge
 * scanner types a code fast and presses Enter, often before the search for the partial text has answered.
 */

/** Text that looks like a badge or ticket code rather than a name: no spaces, at least one digit. */
export function looksLikeBadge(text: string): boolean {
  const t = text.trim();
  return t.length >= 3 && !/\s/.test(t) && /\d/.test(t);
}

export type EnterAction =
  | { kind: "choose"; index: number }
  | { kind: "badge"; code: string }
  /** A name whose search has not answered yet: decide again when it has. */
  | { kind: "wait" }
  /** Several people match and none was picked with the arrow keys: the person chooses (Enter never guesses). */
  | { kind: "pick"; count: number }
  | { kind: "none" };

export type EnterState = {
  /** What is in the search field. */
  text: string;
  /** How many results the search for exactly `text` gave (`null` while that search is still running). */
  results: number | null;
  /** The highlighted result. */
  active: number;
  /** The person moved the highlight with the arrow keys: they mean that result, whatever the text. */
  moved: boolean;
};

export function enterAction(state: EnterState): EnterAction {
  const text = state.text.trim();
  if (text === "") return { kind: "none" };
  const results = state.results ?? 0;
  const activeValid = state.active >= 0 && state.active < results;
  if (state.moved && activeValid) return { kind: "choose", index: state.active };
  if (looksLikeBadge(text)) return { kind: "badge", code: text };
  if (results > 1) return { kind: "pick", count: results };
  if (activeValid) return { kind: "choose", index: state.active };
  if (state.results === null) return { kind: "wait" };
  // A name that matches no one may still be a code printed without digits.
  return { kind: "badge", code: text };
}

/** Moves the highlight by `delta` through `count` results, wrapping round; -1 when there are none. */
export function moveActive(active: number, delta: number, count: number): number {
  if (count <= 0) return -1;
  if (active < 0) return delta > 0 ? 0 : count - 1;
  return (((active + delta) % count) + count) % count;
}
