/** The first-start "Join a venue" form: the join code and the organizer's address as people type them. */

import { type ApiError, errorMessage, UNREACHABLE_MESSAGE } from "./errors";

/** A join code as typed (any case, spaces, with or without the dash) as `ABCDE-FGHJK`, or `null` when it
 * cannot be one. The core does the final check (it also reads O as 0 and I or L as 1). */
export function normalizeJoinCode(typed: string): string | null {
  const chars = typed.replace(/[\s-]/g, "").toUpperCase();
  if (!/^[0-9A-Z]{10}$/.test(chars)) return null;
  return `${chars.slice(0, 5)}-${chars.slice(5)}`;
}

/** What is wrong with an address typed as `host:port`, or `null`. */
export function addressProblem(address: string): string | null {
  const a = address.trim();
  if (a === "") return "Type the address the organizer's screen shows, like 192.168.1.20:7733.";
  const m = /^(\[[0-9a-fA-F:]+\]|[^\s:/]+):(\d{1,5})$/.exec(a);
  if (!m) return "The address is a computer and a port, like 192.168.1.20:7733.";
  const port = Number(m[2]);
  if (port < 1 || port > 65535) return "The port is a number from 1 to 65535.";
  return null;
}

/** What a joined device became, as the organizer chose it: “a kiosk”, “the table lead’s laptop for Django”. */
export function joinedAs(role: string, project: string | null): string {
  switch (role) {
    case "kiosk":
      return "the kiosk";
    case "board":
      return "a projector board";
    case "table_lead":
      return project ? `the table lead’s laptop for ${project}` : "a table lead’s laptop";
    default:
      return "an organizer’s computer";
  }
}

/** What went wrong when joining, in words that say what to do next. */
export function joinErrorText(error: ApiError, address: string): string {
  switch (error.code) {
    case "unreachable":
      if (error.message === UNREACHABLE_MESSAGE) return error.message;
      return `Could not reach the organizer’s device at ${address.trim()}. Check the address, that both computers are on the same network, and that Sprintdesk is running there, the same version as here.`;
    case "other_version":
      return errorMessage(error);
    case "not_allowed":
      return "The organizer’s device did not accept this join code. A code works once, for 10 minutes: ask for a new one.";
    case "impostor":
      return "The device at that address is not the one that made this code. Check the address.";
    case "sync_failed":
      return "The device at that address did not answer like Sprintdesk. Check the address and port: the organizer’s screen shows them next to the code.";
    case "sprint_exists":
      return "This computer already holds a sprint, so it cannot join another venue.";
    default:
      return errorMessage(error);
  }
}

/** What the joining screen says while the venue's records arrive: “Receiving the venue’s records: 412,000 of
 * 1,000,014 (41%)”, or that it is still connecting before the first batch. */
export function joinProgressText(received: number, expected: number): string {
  if (received === 0) return "Connecting to the organizer’s device…";
  const total = Math.max(expected, received);
  const percent = Math.floor((received * 100) / total);
  const n = (x: number) => x.toLocaleString("en");
  return `Receiving the venue’s records: ${n(received)} of ${n(total)} (${percent}%)`;
}
