// What a change to the retrospective's questions does to the answers already given. Answers are kept by
// the question's id: reworded, they show under the new words; removed or turned into another kind, they
// leave the report (they stay in the whole-sprint export).
import type { RetroQuestion } from "../bindings/RetroQuestion";

const words = (text: string) => text.trim().split(/\s+/).join(" ").toLowerCase();
const answers = (n: number) => `${n} ${n === 1 ? "answer" : "answers"}`;

/**
 * What saving `edited` over `saved` does to answers given (`answered[i]` answers to `saved[i]`), in words, or
 * `null` when no answered question is reworded, retyped or removed.
 */
export function answersAffected(saved: RetroQuestion[], edited: RetroQuestion[], answered: number[]): string | null {
  const parts: string[] = [];
  saved.forEach((before, i) => {
    const n = answered[i] ?? 0;
    if (n === 0) return;
    const after = edited.find((q) => q.id === before.id);
    if (!after) {
      parts.push(`removing “${before.text}” takes its ${answers(n)} out of the report`);
    } else if (after.kind !== before.kind) {
      parts.push(`making “${before.text}” ${after.kind === "rating" ? "a 1–5 question" : "a question for words"} takes its ${answers(n)} out of the report`);
    } else if (words(after.text) !== words(before.text)) {
      parts.push(`the ${answers(n)} to “${before.text}” will show under “${after.text.trim()}”`);
    }
  });
  if (parts.length === 0) return null;
  return `People have answered already: ${parts.join("; ")}. To ask something new, add a question instead.`;
}
