import { describe, expect, it } from "vitest";
import { UNREACHABLE_MESSAGE } from "./errors";
import { addressProblem, joinErrorText, joinProgressText, normalizeJoinCode } from "./join";

describe("normalizeJoinCode", () => {
  it.each([
    ["7KQ2M-XW4PA", "7KQ2M-XW4PA"],
    ["7kq2mxw4pa", "7KQ2M-XW4PA"],
    [" 7KQ2M XW4PA ", "7KQ2M-XW4PA"],
    ["7KQ2M-XW4P", null],
    ["7KQ2M-XW4PA1", null],
    ["7KQ2M_XW4PA", null],
  ])("%j → %j", (typed, code) => {
    expect(normalizeJoinCode(typed)).toBe(code);
  });
});

describe("addressProblem", () => {
  it.each(["192.168.1.20:7733", "organizer.local:7733", "[fe80::1]:7733"])("accepts %s", (address) => {
    expect(addressProblem(address)).toBeNull();
  });
  it.each([
    ["", /Type the address/],
    ["192.168.1.20", /computer and a port/],
    ["http://x:1", /computer and a port/],
    ["host:70000", /1 to 65535/],
  ])("refuses %j", (address, problem) => {
    expect(addressProblem(address)).toMatch(problem);
  });
});

describe("joinErrorText", () => {
  it("tells a far device that cannot be reached from this computer's own core going away", () => {
    expect(joinErrorText({ code: "unreachable", message: "connection refused" }, "10.0.0.2:7733")).toMatch(
      /organizer’s device at 10\.0\.0\.2:7733/,
    );
    expect(joinErrorText({ code: "unreachable", message: UNREACHABLE_MESSAGE }, "x:1")).toBe(UNREACHABLE_MESSAGE);
  });
  it("does not show the protocol's numbers when something else answered at that address", () => {
    const text = joinErrorText({ code: "sync_failed", message: "a message of 1213486160 bytes is over the limit" }, "x:1");
    expect(text).not.toMatch(/\d{5,}/);
    expect(text).toMatch(/address and port/);
  });
  it("says which device to update when the two run different versions", () => {
    const message = "the other device runs an older Sprintdesk (protocol version 11; this one speaks 12): update the other device";
    expect(joinErrorText({ code: "other_version", message }, "x:1")).toBe(
      "The other device runs an older Sprintdesk (protocol version 11; this one speaks 12): update the other device.",
    );
    expect(joinErrorText({ code: "unreachable", message: "closed without answering" }, "x:1")).toMatch(/same version/);
  });
  it("says what to do about a refused code", () => {
    expect(joinErrorText({ code: "not_allowed", message: "code spent" }, "x:1")).toMatch(/ask for a new one/);
  });
});

describe("joinProgressText", () => {
  it.each([
    [0, 0, "Connecting to the organizer’s device…"],
    [0, 5000, "Connecting to the organizer’s device…"],
    [412000, 1000014, "Receiving the venue’s records: 412,000 of 1,000,014 (41%)"],
    [1000014, 1000014, "Receiving the venue’s records: 1,000,014 of 1,000,014 (100%)"],
    // More can arrive than was expected (records written meanwhile): never over 100%.
    [1200, 1000, "Receiving the venue’s records: 1,200 of 1,200 (100%)"],
  ])("%d of %d → %s", (received, expected, text) => {
    expect(joinProgressText(received, expected)).toBe(text);
  });
});
