import { describe, expect, it } from "vitest";
import { decideRoute, formatRoute, isLocked, parseRoute, routeForMode } from "./route";

describe("parseRoute", () => {
  it.each([
    ["#/kiosk", { view: "kiosk" }],
    ["#/board", { view: "board" }],
    ["#/lead", { view: "lead" }],
    ["#/start", { view: "start" }],
    ["#/organizer", { view: "organizer", page: "today" }],
    ["#/organizer/attendees", { view: "organizer", page: "attendees" }],
    ["#/organizer/settings/", { view: "organizer", page: "settings" }],
    ["#/Organizer/Devices", { view: "organizer", page: "devices" }],
    ["#/organizer/nonsense", { view: "organizer", page: "today" }],
    ["#kiosk", { view: "kiosk" }],
    ["#/board?x=1", { view: "board" }],
    ["#/retro", { view: "retro" }],
    ["#/organizer/report", { view: "organizer", page: "report" }],
  ])("%s", (hash, route) => {
    expect(parseRoute(hash)).toEqual(route);
  });

  it.each(["", "#", "#/", "#/nowhere", "#/admin/attendees"])("%j names no route", (hash) => {
    expect(parseRoute(hash)).toBeNull();
  });
});

describe("formatRoute", () => {
  it("round-trips every route", () => {
    for (const hash of ["#/kiosk", "#/board", "#/lead", "#/start", "#/organizer", "#/organizer/review", "#/retro"]) {
      expect(formatRoute(parseRoute(hash)!)).toBe(hash);
    }
  });
});

describe("decideRoute", () => {
  const organizer = { sprint: "PySprints", mode: "organizer" as const };

  it("sends a device with no sprint to the first-start screen, whatever the hash", () => {
    expect(decideRoute({ sprint: null, mode: "organizer" }, "#/organizer/attendees")).toEqual({ view: "start" });
    expect(decideRoute({ sprint: null, mode: "kiosk" }, "#/kiosk")).toEqual({ view: "start" });
    // A join cut off part way: part of the venue is here, but the device is asked to join again.
    // Back under a new id (state folder lost): paired again from the first-start screen; a locked kiosk stays.
    expect(decideRoute({ sprint: "S", mode: "organizer", pair_again: true }, "#/organizer/today")).toEqual({ view: "start" });
    expect(decideRoute({ sprint: "S", mode: "table_lead", pair_again: true }, "#/lead")).toEqual({ view: "start" });
    expect(decideRoute({ sprint: "S", mode: "kiosk", pair_again: true }, "#/kiosk")).toEqual({ view: "kiosk" });
    expect(decideRoute({ sprint: "S", mode: "organizer", join_unfinished: true }, "#/organizer/today")).toEqual({
      view: "start",
    });
  });

  it("opens the device's own screen when the hash names none", () => {
    expect(decideRoute(organizer, "")).toEqual({ view: "organizer", page: "today" });
    expect(decideRoute({ sprint: "S", mode: "table_lead" }, "")).toEqual({ view: "lead" });
    expect(decideRoute({ sprint: "S", mode: "board" }, "#/nowhere")).toEqual({ view: "board" });
  });

  it("follows the hash on an unlocked device", () => {
    expect(decideRoute(organizer, "#/board")).toEqual({ view: "board" });
    expect(decideRoute(organizer, "#/organizer/projects")).toEqual({ view: "organizer", page: "projects" });
  });

  it("does not show the first-start screen once there is a sprint", () => {
    expect(decideRoute(organizer, "#/start")).toEqual({ view: "organizer", page: "today" });
  });

  it("keeps a kiosk on the kiosk whatever the hash says", () => {
    const kiosk = { sprint: "S", mode: "kiosk" as const };
    for (const hash of ["#/organizer", "#/organizer/settings", "#/board", "#/lead", ""]) {
      expect(decideRoute(kiosk, hash)).toEqual({ view: "kiosk" });
    }
    expect(isLocked(kiosk)).toBe(true);
    expect(isLocked(organizer)).toBe(false);
  });

  it("keeps the app's projector window on the board, even on a locked kiosk", () => {
    expect(decideRoute(organizer, "#/organizer", true)).toEqual({ view: "board" });
    expect(decideRoute({ sprint: "S", mode: "kiosk" }, "#/board", true)).toEqual({ view: "board" });
  });

  it("maps every mode to a screen", () => {
    expect(routeForMode("kiosk")).toEqual({ view: "kiosk" });
    expect(routeForMode("board")).toEqual({ view: "board" });
  });
});
