import { describe, expect, it } from "vitest";
import type { DeviceView } from "../bindings/DeviceView";
import {
  barShares,
  claimChip,
  claimStep,
  compareLabels,
  count,
  fold,
  formatClock,
  formatDay,
  formatInstant,
  formatSeen,
  goalStatusLabel,
  venueSilence,
  standupClock,
  tableName,
  take,
} from "./format";

describe("claim chips", () => {
  it("follow claimed → PR open → merged", () => {
    expect(claimChip({ state: "active" })).toEqual({ label: "Claimed", tone: "info" });
    expect(claimChip({ state: "pr_open" })).toEqual({ label: "PR open", tone: "progress" });
    expect(claimChip({ state: "merged" })).toEqual({ label: "Merged", tone: "success" });
    expect(claimStep({ state: "active" })).toBeLessThan(claimStep({ state: "pr_open" }));
    expect(claimStep({ state: "pr_open" })).toBeLessThan(claimStep({ state: "merged" }));
  });
  it("say why a claim was released", () => {
    expect(claimChip({ state: "released", reason: "closing_time" }).label).toBe("released at closing time");
    expect(claimStep({ state: "released", reason: "by_hand" })).toBe(-1);
  });
});

describe("labels", () => {
  it("names goal states in words", () => {
    expect(goalStatusLabel("in_progress")).toBe("In progress");
  });
  it("names tables", () => {
    expect(tableName({ id: "p", name: "CPython", table_label: "T1" })).toBe("CPython · T1");
    expect(tableName({ id: "p", name: "CPython", table_label: null })).toBe("CPython");
    expect(tableName(null)).toBe("No table");
  });
  it("counts with the right noun", () => {
    expect(count(1, "person", "people")).toBe("1 person");
    expect(count(3, "person", "people")).toBe("3 people");
    expect(count(0, "goal")).toBe("0 goals");
  });
});

describe("dates and times", () => {
  it("writes a sprint day as it is, whatever this screen's zone", () => {
    expect(formatDay("2026-11-21")).toBe("Sat 21 Nov");
    expect(formatDay("not a date")).toBe("not a date");
  });
  it("drops the seconds of opening hours", () => {
    expect(formatClock("09:00:00")).toBe("09:00");
    expect(formatClock("9:30")).toBe("09:30");
  });
});

describe("barShares", () => {
  it("scales to the largest value", () => {
    expect(barShares([50, 100, 0])).toEqual([0.5, 1, 0]);
  });
  it("is all zero when nobody came", () => {
    expect(barShares([0, 0])).toEqual([0, 0]);
    expect(barShares([])).toEqual([]);
  });
});

describe("fold", () => {
  it.each([
    ["Łukasz", "lukasz"],
    ["Jürgen Groß", "jurgen gross"],
    ["Søren Åström", "soren astrom"],
    ["Siobhán Ó Briain", "siobhan o briain"],
    ["Taşkaya", "taskaya"],
  ])("%s → %s", (text, folded) => {
    expect(fold(text)).toBe(folded);
  });
});

describe("compareLabels", () => {
  it("sorts T2 before T10 and unlabelled tables last", () => {
    expect(["T10", null, "T2", "T1"].sort(compareLabels)).toEqual(["T1", "T2", "T10", null]);
  });
});

describe("take", () => {
  it("says how many did not fit", () => {
    expect(take([1, 2, 3, 4], 2)).toEqual({ shown: [1, 2], more: 2 });
    expect(take([1, 2], 5)).toEqual({ shown: [1, 2], more: 0 });
  });
});

describe("standupClock", () => {
  it.each([
    [120, "2:00"],
    [61, "1:01"],
    [9, "0:09"],
    [0, "0:00"],
    [-12, "+0:12"],
    [-75, "+1:15"],
  ])("%i seconds left reads %s", (left, shown) => {
    expect(standupClock(left)).toBe(shown);
  });
});

describe("formatSeen", () => {
  const now = Date.UTC(2026, 6, 15, 12, 0);
  it.each([
    [null, "never"],
    [now, "now"],
    [now - 89_000, "now"],
    [now - 5 * 60_000, "5 min ago"],
    [now - 59 * 60_000, "59 min ago"],
    [now - 3 * 3_600_000 - 60_000, "3 h ago"],
    [now + 30_000, "now"], // its clock a little ahead
  ])("%j → %s", (ms, words) => {
    expect(formatSeen(ms, now)).toBe(words);
  });
  it("gives the day and time after a day", () => {
    expect(formatSeen(now - 2 * 86_400_000, now)).toBe(formatInstant(now - 2 * 86_400_000));
    // In the venue's zone when given, as every other time on the page.
    const twoDaysAgo = Date.parse("2026-05-18T09:20:00Z");
    expect(formatSeen(twoDaysAgo, twoDaysAgo + 2 * 86_400_000, "Europe/Berlin")).toBe("18 May, 11:20");
    expect(formatSeen(twoDaysAgo, twoDaysAgo + 2 * 86_400_000, "America/Chicago")).toBe("18 May, 04:20");
  });
});

describe("venueSilence", () => {
  const now = Date.UTC(2026, 6, 15, 12, 0);
  const device = (id: string, last_seen: number | null, extra: Partial<DeviceView> = {}): DeviceView => ({
    id,
    name: id,
    role: "organizer",
    fingerprint: "",
    paired_by: null,
    paired_at: null,
    revoked: false,
    this_device: false,
    vouched: true,
    refused: 0,
    refusal: null,
    table: null,
    last_seen,
    they_lack: 0,
    sync_problem: null,
    ...extra,
  });
  const me = device("me", null, { this_device: true });
  it.each([
    ["alone: nobody to hear from", [me], null],
    ["heard from a minute ago", [me, device("desk", now - 60_000)], null],
    ["one peer heard now, another long ago", [me, device("desk", now - 3_600_000), device("kiosk", now - 10_000)], null],
    ["silent for two minutes", [me, device("desk", now - 120_000)], { since: now - 120_000 }],
    ["never heard from", [me, device("desk", null)], { since: null }],
    ["only a revoked device, heard from now", [me, device("old", now, { revoked: true })], null],
    ["a revoked device heard now does not count", [me, device("old", now, { revoked: true }), device("desk", now - 600_000)], { since: now - 600_000 }],
  ] as const)("%s", (_, devices, expected) => {
    expect(venueSilence(devices, now)).toEqual(expected);
  });
});
