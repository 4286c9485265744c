import { describe, expect, it } from "vitest";
import { fold } from "./format";
import vectors from "./fold-vectors.json";

/** `text` quoted, with marks, spaces, controls and punctuation beyond ASCII spelled `\u{…}`, so that a
 * no-break space or a combining accent shows in a test name. */
function shown(text: string): string {
  const spelled = text.replace(
    /[^\p{L}\p{N}\x20-\x7e]/gu,
    (c) => `\\u{${c.codePointAt(0)!.toString(16).padStart(4, "0")}}`,
  );
  return `"${spelled}"`;
}

// The cases and their answers come from the core's own `fold` (crates/sprintdesk-domain/src/search.rs),
// which writes fold-vectors.json, so filters on screen fold exactly as the kiosk's search does.
describe("fold gives the core's answer", () => {
  it("for enough cases to mean something", () => {
    expect(vectors.cases.length).toBeGreaterThanOrEqual(60);
  });
  it.each(vectors.cases.map((c) => [shown(c.input), c.input, c.folded] as const))("for %s", (_, input, folded) => {
    const got = fold(input);
    expect(got, `fold(${shown(input)}) gave ${shown(got)}, the core gives ${shown(folded)}`).toBe(folded);
  });
});
