/**
 * Hash routes (`#/kiosk`, `#/organizer/attendees`, …) and which screen a device opens on. Pure: the app
 * shell feeds it `location.hash` and the device's `setup`.
 */

import type { Mode } from "../bindings/Mode";
import type { Setup } from "../bindings/Setup";

export const ORGANIZER_PAGES = ["today", "attendees", "projects", "report", "devices", "review", "settings"] as const;
export type OrganizerPage = (typeof ORGANIZER_PAGES)[number];

export type Route =
  | { view: "start" }
  | { view: "kiosk" }
  | { view: "organizer"; page: OrganizerPage }
  | { view: "lead" }
  | { view: "board" }
  /** The retrospective, answered on a staff device (a kiosk asks it at sign-out on the last day). */
  | { view: "retro" };

function isOrganizerPage(text: string): text is OrganizerPage {
  return (ORGANIZER_PAGES as readonly string[]).includes(text);
}

/** The route a hash names, or `null` when it names none. */
export function parseRoute(hash: string): Route | null {
  const path = hash.replace(/^#?\/?/, "").replace(/[?].*$/, "");
  const [head = "", sub = ""] = path.split("/").map((part) => part.trim().toLowerCase());
  switch (head) {
    case "start":
      return { view: "start" };
    case "kiosk":
      return { view: "kiosk" };
    case "lead":
      return { view: "lead" };
    case "board":
      return { view: "board" };
    case "retro":
      return { view: "retro" };
    case "organizer":
      return { view: "organizer", page: isOrganizerPage(sub) ? sub : "today" };
    default:
      return null;
  }
}

/** The hash for a route. */
export function formatRoute(route: Route): string {
  if (route.view === "organizer") return route.page === "today" ? "#/organizer" : `#/organizer/${route.page}`;
  return `#/${route.view}`;
}

/** Where a device in `mode` opens. */
export function routeForMode(mode: Mode): Route {
  switch (mode) {
    case "organizer":
      return { view: "organizer", page: "today" };
    case "table_lead":
      return { view: "lead" };
    case "kiosk":
      return { view: "kiosk" };
    case "board":
      return { view: "board" };
  }
}

/** A kiosk is locked to its screen: no navigation, hash changes ignored, leaving needs the PIN. */
export function isLocked(setup: Pick<Setup, "mode" | "sprint">): boolean {
  return setup.sprint !== null && setup.mode === "kiosk";
}

/** The screen to show for this device and hash. The desktop app's projector window always shows the board. */
export function decideRoute(
  setup: Pick<Setup, "mode" | "sprint"> & Partial<Pick<Setup, "join_unfinished" | "pair_again">>,
  hash: string,
  projector = false,
): Route {
  // A join cut off part way holds a sprint but is not in the venue yet: it is asked to join again.
  if (setup.sprint === null || setup.join_unfinished) return { view: "start" };
  if (projector) return { view: "board" };
  if (isLocked(setup)) return { view: "kiosk" };
  // Back under a new id (its state folder lost): paired again from the first-start screen, its data kept. A
  // locked kiosk stays at the door, saying so, until an organizer unlocks it.
  if (setup.pair_again) return { view: "start" };
  const asked = parseRoute(hash);
  if (asked === null || asked.view === "start") return routeForMode(setup.mode);
  return asked;
}

export function sameRoute(a: Route, b: Route): boolean {
  return formatRoute(a) === formatRoute(b);
}
