import { describe, expect, it } from "vitest";
import type { RetroQuestion } from "../bindings/RetroQuestion";
import { answersAffected } from "./retro";

describe("answersAffected", () => {
  const q = (id: string, text: string, kind: "rating" | "text" = "text"): RetroQuestion => ({ id, text, kind });
  const [one, two, three] = [q("q1", "How was the sprint?", "rating"), q("q2", "What went well?"), q("q3", "What should change?")];
  const saved = [one, two, three];
  it.each([
    ["nothing changed", saved, [3, 2, 1], null],
    ["respaced and recased only", [one, q("q2", "  what WENT well? "), three], [3, 2, 1], null],
    ["a question added", [...saved, q("q4", "Anything else?")], [3, 2, 1], null],
    ["an unanswered question reworded", [one, two, q("q3", "What next?")], [3, 2, 0], null],
    ["reworded", [q("q1", "How were the snacks?", "rating"), two, three], [3, 2, 1], /3 answers to “How was the sprint\?” will show under “How were the snacks\?”/],
    ["removed", [one, two], [3, 2, 1], /removing “What should change\?” takes its 1 answer out of the report/],
    ["turned into a rating", [one, q("q2", "What went well?", "rating"), three], [3, 2, 1], /making “What went well\?” a 1–5 question takes its 2 answers out/],
  ])("%s", (_, edited, answered, expected) => {
    const got = answersAffected(saved, edited, answered);
    if (expected === null) expect(got).toBeNull();
    else expect(got).toMatch(expected);
  });
});
