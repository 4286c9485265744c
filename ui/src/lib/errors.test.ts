import { describe, expect, it } from "vitest";
import { errorMessage, errorTitle, fromHttpAnswer, looksTechnical, sentence, toApiError, UNREACHABLE_MESSAGE } from "./errors";
import { ERROR_CODES } from "../bindings/commands";
import type { ApiError } from "./errors";

describe("toApiError", () => {
  it("keeps an ApiError's code, message and rows", () => {
    const rows = [{ place: "line 4", message: "the name is empty" }];
    expect(toApiError({ code: "import_rejected", message: "nothing was imported", rows })).toEqual({
      code: "import_rejected",
      message: "nothing was imported",
      rows,
    });
  });
  it("keeps how many rows an import refused for its bad ones would import without them", () => {
    const rows = [{ place: "line 3", message: "the name is empty" }];
    expect(toApiError({ code: "import_rejected", message: "m", rows, importable: 295 })).toEqual({
      code: "import_rejected",
      message: "m",
      rows,
      importable: 295,
    });
    for (const importable of [0, -1, 2.5, "3", null]) {
      expect(toApiError({ code: "import_rejected", message: "m", rows, importable })).toEqual({
        code: "import_rejected",
        message: "m",
        rows,
      });
    }
  });
  it("drops extra fields and empty or malformed rows", () => {
    expect(toApiError({ code: "x", message: "y", rows: [], stack: "…" })).toEqual({ code: "x", message: "y" });
    expect(toApiError({ code: "x", message: "y", rows: [{ nope: 1 }] })).toEqual({ code: "x", message: "y" });
  });
  it("turns a failed fetch (TypeError) into unreachable", () => {
    expect(toApiError(new TypeError("Failed to fetch"))).toEqual({ code: "unreachable", message: UNREACHABLE_MESSAGE });
  });
  it("reads an ApiError sent as a JSON string (Tauri) and wraps other strings", () => {
    expect(toApiError('{"code":"not_found","message":"no such person"}')).toEqual({ code: "not_found", message: "no such person" });
    expect(toApiError("command sign_in not found")).toEqual({ code: "internal", message: "command sign_in not found" });
  });
  it("wraps anything else", () => {
    expect(toApiError(new Error("boom")).code).toBe("internal");
    expect(toApiError(42)).toEqual({ code: "internal", message: "Something unexpected happened." });
    expect(toApiError(null).code).toBe("internal");
  });
});

describe("fromHttpAnswer", () => {
  it("uses the JSON body when it is an ApiError", () => {
    expect(fromHttpAnswer(400, '{"code":"venue_closed","message":"closed"}')).toEqual({ code: "venue_closed", message: "closed" });
  });
  it("says something sensible about a bare status", () => {
    expect(fromHttpAnswer(502, "Bad Gateway").code).toBe("unreachable");
    expect(fromHttpAnswer(404, "").code).toBe("unknown_command");
    expect(fromHttpAnswer(500, "<html>oops</html>")).toEqual({
      code: "internal",
      message: "Sprintdesk answered with an error (HTTP 500).",
    });
  });
});

describe("errorMessage", () => {
  it("tidies the core's sentence", () => {
    expect(errorMessage({ code: "not_signed_in", message: "Ana is not signed in" })).toBe("Ana is not signed in.");
    expect(errorMessage({ code: "claim_refused", message: "one at a time!" })).toBe("One at a time!");
  });
  it("keeps only the first line of an import refusal (the rows show as a table), without its title's words", () => {
    const error: ApiError = { code: "import_rejected", message: "nothing was imported: 2 rows must be fixed first\n  line 3: x\n  line 4: y" };
    expect(errorMessage(error)).toBe("2 rows must be fixed first.");
    expect(errorTitle(error)).toBe("Nothing was imported");
  });
  it("never shows JSON or internals", () => {
    expect(errorMessage({ code: "internal", message: '{"a":1}' })).toBe("Something unexpected happened. Please try again.");
    expect(errorMessage({ code: "storage", message: "thread 'main' panicked at src/x.rs" })).not.toMatch(/panicked/);
    expect(errorMessage({ code: "bad_arguments", message: "missing field `attendee`" })).not.toMatch(/attendee/);
  });
  it("has a title for each code the core sends, and a general one", () => {
    expect(errorTitle({ code: "venue_closed", message: "" })).toBe("The venue is closed");
    const fromANewerDevice = { code: "something_new", message: "" } as unknown as ApiError;
    expect(errorTitle(fromANewerDevice)).toBe("Something went wrong");
  });
  it.each(ERROR_CODES.map((code) => [code]))("heads %s with its own words", (code) => {
    const title = errorTitle({ code, message: "" });
    expect(title).not.toMatch(/_/);
    if (code !== "internal") expect(title).not.toBe("Something went wrong");
    expect(errorMessage({ code, message: "" })).toMatch(/^[A-Z].*[.!?]$/);
  });
  it("tells a late undo from a closed venue", () => {
    expect(errorTitle({ code: "too_late_to_undo", message: "" })).toBe("Too late to undo");
    expect(errorTitle({ code: "already_merged", message: "" })).toBe("Already merged");
  });
});

describe("text helpers", () => {
  it("sentence", () => {
    expect(sentence("hello")).toBe("Hello.");
    expect(sentence("Done!")).toBe("Done!");
    expect(sentence("  ")).toBe("");
  });
  it("looksTechnical", () => {
    expect(looksTechnical("TypeError: x is not a function")).toBe(true);
    expect(looksTechnical("Error\n    at foo (a.js:1:1)")).toBe(true);
    expect(looksTechnical("the venue opens at 09:00")).toBe(false);
  });
});
