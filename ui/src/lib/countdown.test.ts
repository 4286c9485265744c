import { describe, expect, it } from "vitest";
import { expired, formatCountdown, joinCodeDeadline, secondsLeft, UNDO_WINDOW_SECONDS } from "./countdown";

describe("undo countdown", () => {
  const start = 1_000_000;

  it("starts at the full window and counts down in whole seconds", () => {
    expect(secondsLeft(start, start)).toBe(UNDO_WINDOW_SECONDS);
    expect(secondsLeft(start, start + 1)).toBe(14);
    expect(secondsLeft(start, start + 999)).toBe(14);
    expect(secondsLeft(start, start + 1000)).toBe(13);
    expect(secondsLeft(start, start + 13_001)).toBe(1);
  });

  it("ends at zero, never below", () => {
    expect(secondsLeft(start, start + 14_000)).toBe(0);
    expect(secondsLeft(start, start + 60_000)).toBe(0);
    expect(expired(start, start + 13_999)).toBe(false);
    expect(expired(start, start + 14_000)).toBe(true);
  });

  it("never shows more than the window if the clock steps back", () => {
    expect(secondsLeft(start, start - 5_000)).toBe(14);
  });

  it("takes other window lengths", () => {
    expect(secondsLeft(start, start + 2_500, 4)).toBe(2);
    expect(expired(start, start + 4_000, 4)).toBe(true);
  });
});

describe("join code deadline", () => {
  const now = 5_000_000;
  it("uses the core's expiry when the clocks agree", () => {
    expect(joinCodeDeadline(now + 9 * 60_000, now)).toBe(now + 9 * 60_000);
  });
  it("counts ten minutes from arrival when the core's clock is elsewhere", () => {
    expect(joinCodeDeadline(now - 3 * 3600_000, now)).toBe(now + 10 * 60_000);
    expect(joinCodeDeadline(now + 3 * 3600_000, now)).toBe(now + 10 * 60_000);
  });
});

describe("formatCountdown", () => {
  it.each([
    [600_000, "10:00"],
    [59_001, "1:00"],
    [59_000, "0:59"],
    [1, "0:01"],
    [0, "0:00"],
    [-5_000, "0:00"],
  ])("%d ms → %s", (ms, text) => {
    expect(formatCountdown(ms)).toBe(text);
  });
});
