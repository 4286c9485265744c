/** The kiosk's sign-in steps, decided from what the core says about a person. Pure. */

import type { ApiError } from "../bindings/ApiError";
import type { AttendeeCard } from "../bindings/AttendeeCard";
import type { Board } from "../bindings/Board";
import type { ProjectRef } from "../bindings/ProjectRef";
import type { VenueNow } from "../bindings/VenueNow";
import { compareLabels, formatDay } from "./format";

export type SignInStep = "coc" | "photo" | "table";

/** The questions to ask before signing `card` in: the code of conduct and photos only when needed. */
export function signInSteps(card: Pick<AttendeeCard, "needs_code_of_conduct" | "asks_photo_consent">): SignInStep[] {
  const steps: SignInStep[] = [];
  if (card.needs_code_of_conduct) steps.push("coc");
  if (card.asks_photo_consent) steps.push("photo");
  steps.push("table");
  return steps;
}

/**
 * What a walk-in answered on the form before learning they are on the list already: the code of conduct
 * accepted, photos (`null`: not answered) and the table (`undefined`: none chosen, `null`: "No table yet").
 */
export type GivenAnswers = { accept: boolean; photo: boolean | null; table: ProjectRef | null | undefined };

/** The steps still to ask `card` when `given` was answered already: a question answered once is not asked again. */
export function stepsToAsk(
  card: Pick<AttendeeCard, "needs_code_of_conduct" | "asks_photo_consent">,
  given: GivenAnswers | null,
): SignInStep[] {
  const steps = signInSteps(card);
  if (!given) return steps;
  return steps.filter((step) => {
    switch (step) {
      case "coc":
        return !given.accept;
      case "photo":
        return given.photo === null;
      case "table":
        return given.table === undefined;
    }
  });
}

/** The step after `step`, or `null` when it was the last. */
export function stepAfter(steps: readonly SignInStep[], step: SignInStep): SignInStep | null {
  const i = steps.indexOf(step);
  return i >= 0 && i + 1 < steps.length ? (steps[i + 1] ?? null) : null;
}

/** The tables to choose from, by table label (T2 before T10), then name. */
export function tableChoices(board: Pick<Board, "projects"> | null): ProjectRef[] {
  if (!board) return [];
  return board.projects
    .map((p) => p.project)
    .sort((a, b) => compareLabels(a.table_label, b.table_label) || a.name.localeCompare(b.name));
}

export type WalkInForm = {
  name: string;
  handle: string;
  firstTimer: boolean;
  acceptCoc: boolean;
  photoConsent: boolean | null;
};

/** What is missing from a walk-in's form, in words, or `null` when it can be sent. */
export function walkInProblem(form: WalkInForm): string | null {
  if (form.name.trim().length < 2) return "Please write your name.";
  if (/\s/.test(form.handle.trim())) return "A GitHub handle has no spaces.";
  if (!form.acceptCoc) return "Please read and accept the code of conduct.";
  if (form.photoConsent === null) return "Please say whether photos of you are OK.";
  return null;
}

/** A handle as typed (`@ana`, ` ana `), as the core wants it (`ana`), or null when empty. */
export function cleanHandle(handle: string): string | null {
  const h = handle.trim().replace(/^@/, "");
  return h === "" ? null : h;
}

/**
 * What the person at the door gives to show it is them, before signing out or moving table: the badge they
 * scanned, or the table they say they signed in at (`null`: "No table").
 */
export type DoorAnswer = { badge: string } | { table: ProjectRef | null };

/** A door answer as the core takes it (`sign_out_at_door`'s `table` and `badge`, a move's `proof`). */
export function doorProof(answer: DoorAnswer): { table: string | null; badge?: string } {
  return "badge" in answer ? { table: null, badge: answer.badge } : { table: answer.table?.id ?? null };
}

/** Where in the kiosk an error happened, to say it in the right words. */
export type KioskContext = "search" | "badge" | "sign_in" | "move" | "sign_out" | "walk_in" | "undo" | "photos";

/** When the kiosk could not keep something: the heading, and what was not saved. */
const NOT_SAVED: Record<Exclude<KioskContext, "search" | "badge">, [string, string]> = {
  sign_in: ["Not signed in", "your sign-in"],
  move: ["Not moved", "the move to another table"],
  sign_out: ["Not signed out", "your sign-out"],
  walk_in: ["Not registered", "your registration"],
  undo: ["It could not be undone", "the undo"],
  photos: ["Not noted", "your answer about photos"],
};

/** An error as the kiosk shows it: a short heading and a sentence, both for someone standing at the door. */
export function kioskError(
  error: ApiError,
  context: KioskContext,
  typed = "",
): { title: string; message: string } {
  const said = tidy(error.message);
  switch (error.code) {
    case "unreachable":
      return {
        title: "This kiosk cannot reach Sprintdesk",
        message: "Please ask an organizer for help. Sign-ins will work again once it is back.",
      };
    case "venue_closed":
      return { title: "The venue is closed", message: said || "Signing in is possible during opening hours." };
    case "too_late_to_undo":
      return { title: "Too late to undo", message: said || "The few seconds to undo have passed." };
    case "nothing_to_undo":
      return { title: "Nothing to undo", message: said || "It was undone already." };
    case "not_found":
      if (context === "badge") {
        return {
          title: typed ? `We could not find “${typed}”` : "We could not find that badge",
          message: "Check the spelling or scan your badge again. New here? Press “I’m not on the list”.",
        };
      }
      return { title: "We could not find you", message: said };
    case "consent_needed":
      return { title: "Please accept the code of conduct", message: said };
    case "ambiguous":
      return { title: "More than one person matches", message: "Please type more of your name and choose yourself." };
    case "not_allowed":
    case "too_many_tries": {
      // At the door, a sign-out or a move the person's badge or table did not prove: the core says why.
      const door = context === "sign_out" ? "Not signed out" : context === "move" ? "Not moved" : null;
      if (door) return { title: door, message: said || "Scan your badge, or ask at the desk." };
      // A browser on the venue network that searched very fast (a burst, then one a second).
      if (context === "search" && error.code === "too_many_tries") {
        return { title: "Too many searches", message: said || "Please wait a moment, then type again." };
      }
      return error.code === "not_allowed"
        ? { title: "This kiosk cannot do that", message: said }
        : { title: "Too many wrong PINs", message: said || "Please wait, then try again." };
    }
    case "invalid":
      return { title: "Please check what you typed", message: said };
    case "not_signed_in":
      // Signed out meanwhile, at another door or by a volunteer.
      return context === "sign_out"
        ? { title: "Already signed out", message: `${said ? said + " " : ""}It may have been done at another door.` }
        : { title: "Not signed in", message: said || "Please sign in first." };
    case "storage": {
      // The disk or the database failed: the person must know that what they did was not kept.
      if (context === "search" || context === "badge") {
        return {
          title: "Something went wrong",
          message: "This kiosk cannot read the sprint just now. Please ask an organizer for help.",
        };
      }
      const [title, what] = NOT_SAVED[context];
      return { title, message: `This kiosk could not save ${what}. Please ask an organizer for help.` };
    }
    case "no_sprint":
      return { title: "This kiosk is not set up yet", message: "Please ask an organizer for help." };
    default:
      return {
        title: context === "undo" ? "It could not be undone" : "Something went wrong",
        message: "Please try again, or ask an organizer for help.",
      };
  }
}

function tidy(text: string): string {
  const t = text.trim();
  if (t === "" || t.startsWith("{")) return "";
  const s = t.charAt(0).toUpperCase() + t.slice(1);
  return /[.!?]$/.test(s) ? s : s + ".";
}


/** The note after an undo. The core names what was taken back ("Ana Lima was signed in"); say the result. */
export function undoneText(said: string): string {
  const t = said.trim().replace(/\.$/, "");
  const signedIn = /^(.+) was signed in$/.exec(t);
  if (signedIn) return `Undone: ${signedIn[1]}’s sign-in is taken back.`;
  const signedOut = /^(.+) was signed out$/.exec(t);
  if (signedOut) return `Undone: ${signedOut[1]} is still signed in.`;
  return t === "" ? "Undone." : `Undone: ${t}.`;
}

/**
 * How long a refusal at the door says choosing a table for the person is off on this device, in minutes
 * (the core's "… is off here for 10 more minutes …", or "6 more hours" after more wrong tables in a row),
 * or `null` when it is not that refusal.
 */
export function doorLockMinutes(error: ApiError): number | null {
  // The first wrong table (not_allowed) starts the lock and says so; later tries are too_many_tries.
  if (error.code !== "too_many_tries" && error.code !== "not_allowed") return null;
  const said = /(\d+) more (minute|hour)s?\b/.exec(error.message);
  if (!said) return null;
  return Number(said[1]) * (said[2] === "hour" ? 60 : 1);
}

/** "minute", "10 minutes", "6 hours": how long a door lock has left, after "for the next" (in minutes under
 * two hours, as the core says it, so that rounding up never says much more than is left). */
export function lockWords(minutes: number): string {
  if (minutes === 1) return "minute";
  if (minutes < 120) return `${minutes} minutes`;
  return `${Math.ceil(minutes / 60)} hours`;
}

/** Until when (ms), per person id, choosing a table for them is off on this kiosk, as the core said. */
export type DoorLocks = Readonly<Record<string, number>>;

/** `locks` with `person` locked for `minutes` from `now` (ms). */
export function lockDoor(locks: DoorLocks, person: string, minutes: number, now: number): DoorLocks {
  return { ...locks, [person]: now + minutes * 60_000 };
}

/** The key of a lock on everyone at this screen: a browser on the venue network from which too many wrong
 * tables were chosen proves nobody by a table for a while (the server's limit per machine). */
export const EVERYONE = "*";

/** Whether a refusal at the door turns tables off for everyone at this screen, not only for its person. */
export function screenLock(error: ApiError): boolean {
  return error.code === "too_many_tries" && /\bfrom this screen\b/.test(error.message);
}

/** The whole minutes, rounded up, that choosing a table for `person` is still off at `now` (for them, or for
 * everyone at this screen); 0 when it is not. */
export function doorLockLeft(locks: DoorLocks, person: string, now: number): number {
  const until = Math.max(locks[person] ?? 0, locks[EVERYONE] ?? 0);
  return until <= now ? 0 : Math.ceil((until - now) / 60_000);
}

/** Why nobody can sign in at the door now, in words for the person there; `null` while the venue is open
 * (early arrivals before opening time sign in). */
export function venueClosedText(venue: VenueNow): string | null {
  switch (venue.state) {
    case "open":
      return null;
    case "closed":
      return venue.reopens
        ? `The venue closed at ${venue.closed} today: signing in starts again on ${formatDay(venue.reopens)}.`
        : `The venue closed at ${venue.closed} today, and the sprint is over: thank you for coming!`;
    case "break":
      return `Today is a break day: the venue is closed${venue.reopens ? ` until ${formatDay(venue.reopens)}` : ""}.`;
    case "before":
      return `The venue opens on ${formatDay(venue.starts)}: come back then to sign in.`;
    case "over":
      return "The sprint is over: thank you for coming!";
  }
}
