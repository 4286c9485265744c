/**
 * Errors as the UI handles them: always the `ApiError` shape, whatever went wrong, and always a sentence a
 * person at the venue can read.
 */

import type { ApiError } from "../bindings/ApiError";
import type { ErrorCode } from "../bindings/ErrorCode";
import type { RowError } from "../bindings/RowError";

export type { ApiError, ErrorCode };

export const UNREACHABLE_MESSAGE = "Cannot reach Sprintdesk on this computer. Is it still running?";

/** Whether `value` already has the `ApiError` shape. (A code this build does not know, from a newer
 * device, still counts: it is shown with the general heading.) */
export function isApiError(value: unknown): value is ApiError {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { code?: unknown }).code === "string" &&
    typeof (value as { message?: unknown }).message === "string"
  );
}

function rowsOf(value: unknown): RowError[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const rows = value.filter(
    (r): r is RowError =>
      typeof r === "object" && r !== null && typeof r.place === "string" && typeof r.message === "string",
  );
  return rows.length > 0 ? rows : undefined;
}

/** Anything thrown or rejected, as an `ApiError`. Never loses the server's code and message. */
export function toApiError(value: unknown): ApiError {
  if (isApiError(value)) {
    const error: ApiError = { code: value.code, message: value.message };
    const rows = rowsOf(value.rows);
    if (rows) error.rows = rows;
    const importable = value.importable;
    if (typeof importable === "number" && Number.isInteger(importable) && importable > 0) error.importable = importable;
    return error;
  }
  if (typeof value === "string") {
    // Tauri rejects with a string when the command itself could not run (e.g. it is not registered).
    const parsed = tryParse(value);
    if (isApiError(parsed)) return toApiError(parsed);
    return { code: "internal", message: value };
  }
  if (value instanceof TypeError) {
    // fetch rejects with a TypeError when the network request itself fails.
    return { code: "unreachable", message: UNREACHABLE_MESSAGE };
  }
  if (value instanceof Error) return { code: "internal", message: value.message };
  return { code: "internal", message: "Something unexpected happened." };
}

function tryParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The error a non-2xx HTTP answer stands for: its JSON body when it is an `ApiError`, else a sentence. */
export function fromHttpAnswer(status: number, body: string): ApiError {
  const parsed = tryParse(body);
  if (isApiError(parsed)) return toApiError(parsed);
  if (status === 404) {
    return { code: "unknown_command", message: "This version of Sprintdesk does not know how to do that." };
  }
  if (status === 502 || status === 503 || status === 504) {
    return { code: "unreachable", message: UNREACHABLE_MESSAGE };
  }
  return { code: "internal", message: `Sprintdesk answered with an error (HTTP ${status}).` };
}

/** A heading for every code: the compiler refuses this table if a code is missing. */
const TITLES: Record<ErrorCode, string> = {
  unreachable: "Cannot connect",
  venue_closed: "The venue is closed",
  too_late_to_undo: "Too late to undo",
  nothing_to_undo: "Nothing to undo",
  already_merged: "Already merged",
  issue_closed: "That issue is closed",
  not_found: "Not found",
  ambiguous: "More than one match",
  consent_needed: "Please accept the code of conduct",
  not_signed_in: "Not signed in",
  not_allowed: "Not allowed",
  too_many_tries: "Too many wrong PINs",
  claim_refused: "That claim is not possible",
  import_rejected: "Nothing was imported",
  another_event: "Another event's list?",
  invalid: "Please check what you entered",
  no_sprint: "No sprint yet",
  sprint_exists: "There is already a sprint",
  storage: "Sprintdesk could not save",
  unknown_command: "This screen is out of step",
  bad_arguments: "This screen is out of step",
  not_sprintdesk: "That is not a Sprintdesk device",
  already_served: "Sprintdesk already runs here",
  impostor: "That device is not who it says it is",
  other_version: "Another version of Sprintdesk",
  sync_failed: "Syncing failed",
  internal: "Something went wrong",
};

/** A short heading for an error panel. */
export function errorTitle(error: ApiError): string {
  return (TITLES as Partial<Record<string, string>>)[error.code] ?? "Something went wrong";
}

/** The sentence to show for an error: the server's words, tidied (capital first letter, final stop), or our
 * own for errors that are about the plumbing rather than the sprint. */
export function errorMessage(error: ApiError): string {
  switch (error.code) {
    case "bad_arguments":
    case "unknown_command":
      return "This screen and Sprintdesk do not understand each other. Restart Sprintdesk; if it keeps happening, tell an organizer.";
    case "internal":
      if (looksTechnical(error.message)) return "Something unexpected happened. Please try again.";
      break;
    case "import_rejected": {
      // The server's message repeats every row on its own line; the rows are shown as a table instead. Its
      // opening words are this error's title, so they are not said twice.
      const first = (error.message.split("\n")[0] ?? error.message).replace(/^nothing was imported:\s*/i, "");
      if (first.trim() !== "") return sentence(first);
      break;
    }
  }
  const text = error.message.trim();
  if (text === "") return "Something went wrong. Please try again.";
  if (looksTechnical(text)) return "Something unexpected happened. Please try again.";
  return sentence(text);
}

/** Error text that would mean nothing to a person: JSON, stack traces, Rust or JS internals. */
export function looksTechnical(text: string): boolean {
  const t = text.trim();
  return (
    t.startsWith("{") ||
    t.startsWith("[") ||
    /\n\s+at\s/.test(t) ||
    /panicked at|unwrap\(\)|RUST_BACKTRACE|Uncaught|undefined is not|is not a function|SyntaxError/.test(t)
  );
}

/** Upper-cases the first letter and ends with a full stop (or the punctuation already there). */
export function sentence(text: string): string {
  const t = text.trim();
  if (t === "") return t;
  const first = t.charAt(0).toLocaleUpperCase();
  const body = first + t.slice(1);
  return /[.!?…:)]$/.test(body) ? body : body + ".";
}
