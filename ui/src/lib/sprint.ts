/** Checks on what organizers type: the PIN, a new sprint, changes to the sprint's settings. Pure. */

import type { NewSprint } from "../bindings/NewSprint";
import type { Retention } from "../bindings/Retention";
import type { Sprint } from "../bindings/Sprint";
import type { Venue } from "../bindings/Venue";
import { SPRINT_MAX_DAYS } from "../bindings/commands";
import { formatDay, formatDayFrom } from "./format";

/** The organizer PIN is 4 to 12 digits (the core checks the same). */
export function pinProblem(pin: string, again: string | null = null): string | null {
  if (!/^\d*$/.test(pin)) return "The PIN is digits only.";
  if (pin.length < 4 || pin.length > 12) return "The PIN is 4 to 12 digits.";
  // A new PIN is typed twice: one typed wrong once locked an organizer out of their own laptop.
  if (again !== null && again !== pin) return "The two PINs differ: type the same PIN in both fields.";
  return null;
}

/** This screen's IANA time zone, e.g. `Europe/Prague`, or `Etc/UTC` when the platform does not say. */
export function localTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "Etc/UTC";
  } catch {
    return "Etc/UTC";
  }
}

/** Today's date on this screen, `YYYY-MM-DD`. */
/** Today's date in `timeZone` (an IANA name, e.g. the venue's), as YYYY-MM-DD; this device's own date when
 * the name is not one (being typed). */
export function todayIn(timeZone: string, now: Date = new Date()): string {
  try {
    const parts = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).formatToParts(now);
    const part = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
    return `${part("year")}-${part("month")}-${part("day")}`;
  } catch {
    return localToday(now);
  }
}

export function localToday(now: Date = new Date()): string {
  const y = now.getFullYear();
  const m = String(now.getMonth() + 1).padStart(2, "0");
  const d = String(now.getDate()).padStart(2, "0");
  return `${y}-${m}-${d}`;
}

export function newSprintProblem(s: NewSprint): string | null {
  if (s.name.trim() === "") return "Give the sprint a name.";
  const long = nameTooLong(s.name);
  if (long) return long;
  if (s.time_zone.trim() === "") return "Choose the time zone of the venue.";
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s.start)) return "Choose the first day.";
  if (!Number.isInteger(s.days) || s.days < 1 || s.days > SPRINT_MAX_DAYS) {
    // The core's rule, from its generated constant: the form says it before asking.
    return `A sprint lasts 1 to ${SPRINT_MAX_DAYS} days.`;
  }
  return null;
}

/** The longest sprint name (the core's `Sprint::NAME_MAX`). */
export const SPRINT_NAME_MAX = 120;

/** A sprint name over the core's limit, said as the form says it; `null` when it fits. */
function nameTooLong(name: string): string | null {
  const length = [...name.trim()].length;
  if (length <= SPRINT_NAME_MAX) return null;
  return `The sprint's name is ${length} characters long: keep it to ${SPRINT_NAME_MAX}, as it heads the board, the kiosk and every badge.`;
}

/** What is wrong with an edited sprint before it is sent, or `null`. */
export function sprintEditProblem(before: Sprint, after: Sprint, cocAccepted = true): string | null {
  if (after.name.trim() === "") return "The sprint needs a name.";
  const long = nameTooLong(after.name);
  if (long) return long;
  if (after.code_of_conduct.text.trim() === "") {
    return "The code of conduct is empty: write the one people accept before they sign in.";
  }
  if (after.days.length === 0) return "The sprint needs at least one day.";
  const dates = after.days.map((d) => d.date);
  if (new Set(dates).size !== dates.length) return "Two days have the same date.";
  for (const day of after.days) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day.date)) return "Every day needs a date.";
    // A time field emptied with Backspace gives no time at all: said here, by the day, not by the core.
    if (Number.isNaN(toMinutes(day.opens))) return `${formatDay(day.date)} needs the time the venue opens.`;
    if (Number.isNaN(toMinutes(day.closes))) return `${formatDay(day.date)} needs the time the venue closes.`;
    if (!day.is_break && toMinutes(day.closes) <= toMinutes(day.opens)) {
      return `On ${formatDay(day.date)} the venue must close after it opens: check that day's times.`;
    }
  }
  const coc = cocChange(before.code_of_conduct, after.code_of_conduct, cocAccepted);
  if (coc) return coc;
  return null;
}

/**
 * The sign-ins a change of the days would hide, in words: a day taken out, or made a break day, on which
 * people came. Their sign-ins stay (the day coming back shows them again), but Today, the board and the report
 * count only the sprint's open days. `null` when the change hides none.
 */
export function hiddenAttendance(
  before: Sprint,
  after: Sprint,
  perDay: readonly { date: string; people: number }[],
): string | null {
  const hidden = perDay.filter((d) => {
    if (d.people === 0 || !before.days.some((b) => b.date === d.date && !b.is_break)) return false;
    const now = after.days.find((a) => a.date === d.date);
    return !now || now.is_break;
  });
  if (hidden.length === 0) return null;
  const days = hidden.map((d) => `${formatDay(d.date)} (${d.people} ${d.people === 1 ? "person" : "people"} came)`);
  return `This hides ${days.join(" and ")} from Today, the board and the report. Nothing is deleted: adding the day back, or unticking its break, shows them again.`;
}

/**
 * A time zone changed after people signed in: the days they came stay as recorded, but times are read in
 * the new zone, so the attendance list shows sign-ins before opening or after closing (a walkthrough's
 * change to America/Los_Angeles after the sprint did). `null` when the zone is unchanged or nobody came.
 */
export function timeZoneMoves(
  before: Pick<Sprint, "time_zone">,
  after: Pick<Sprint, "time_zone">,
  perDay: readonly { people: number }[],
): string | null {
  if (before.time_zone.trim() === after.time_zone.trim() || !perDay.some((d) => d.people > 0)) return null;
  // A zone that is no zone is the core's to refuse, in its words; nothing to ask about.
  try {
    new Intl.DateTimeFormat("en", { timeZone: after.time_zone.trim() });
  } catch {
    return null;
  }
  return `People have signed in already: the days they came stay as recorded in ${before.time_zone}, but their times and the opening hours will be read in ${after.time_zone.trim()}, so their hours change, and the attendance list and the report may show them arriving before opening or leaving after closing. Change the zone only if it was wrong from the start.`;
}

/** The time of day at `now` in `timeZone`, as minutes since midnight. */
function minutesIn(timeZone: string, now: Date): number {
  try {
    const parts = new Intl.DateTimeFormat("en-GB", { timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).formatToParts(now);
    const part = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? NaN);
    return part("hour") * 60 + part("minute");
  } catch {
    return now.getHours() * 60 + now.getMinutes();
  }
}

/** A time of day as this browser's time fields show it (`10:00 AM` where they show AM and PM). */
function asTyped(time: string): string {
  const minutes = toMinutes(time);
  const at = new Date(Date.UTC(2000, 0, 1, Math.floor(minutes / 60), minutes % 60));
  return new Intl.DateTimeFormat(undefined, { hour: "numeric", minute: "2-digit", timeZone: "UTC" }).format(at);
}

/**
 * What saving `after` would do while the venue is open (`open`, as the core says, on `date`): a closing
 * time for today moved to one already past (05:00 for 17:00, in a browser that shows AM and PM), or today
 * made a break, closes the venue at once: who is here leaves every list, their claims are released and the
 * door takes no one until it is changed back. It was saved with no word. `null` when today stays open.
 */
export function closesNow(
  before: Pick<Sprint, "days">,
  after: Pick<Sprint, "days" | "time_zone">,
  venue: { open: boolean; date: string; hereNow: number },
  now: Date = new Date(),
): string | null {
  if (!venue.open) return null;
  const was = before.days.find((d) => d.date === venue.date);
  const will = after.days.find((d) => d.date === venue.date);
  // A day taken away is `hiddenAttendance`'s to ask about.
  if (!was || !will || was.is_break) return null;
  const minutes = minutesIn(after.time_zone.trim(), now);
  const closesEarlier = toMinutes(will.closes) <= minutes && toMinutes(will.closes) < toMinutes(was.closes);
  if (!will.is_break && !closesEarlier) return null;
  const here =
    venue.hereNow === 0 ? "" : venue.hereNow === 1 ? " the 1 person here is signed out, their claims released, and" : ` the ${venue.hereNow} people here are signed out, their claims released, and`;
  const what = will.is_break ? "Today becomes a break day" : `Today’s new closing time, ${asTyped(will.closes)}, has passed`;
  return `${what}: saving closes the venue now:${here} the door takes no one until you change it back.`;
}

/**
 * What saving `after` would erase at once: everyone's personal data, when its retention period ends today
 * or before and `before`'s did not (a 0 typed in Settings erased everyone at the next start, unasked).
 * `null` when nothing is erased by the change.
 */
export function retentionErases(
  before: Pick<Sprint, "days" | "retention_days">,
  after: Pick<Sprint, "days" | "retention_days">,
  today: string,
): string | null {
  const ends = retentionEnds(after);
  const endedBefore = retentionEnds(before);
  if (!ends || ends > today || (endedBefore !== null && endedBefore <= today)) return null;
  return `Saving this ends the retention period (${formatDayFrom(ends, today)}): every attendee's name, e-mail, handle and badge is erased, on this device within a minute and on every other at its next sync, keeping only the sprint's numbers. This cannot be undone.`;
}

/**
 * A changed code of conduct needs a higher version (everyone is asked again); the version never goes down.
 * Until anyone has accepted it (`accepted`: the evening before, replacing the placeholder) the text changes
 * as it is: there is no one to ask again.
 */
export function cocChange(
  before: { text: string; version: number },
  after: { text: string; version: number },
  accepted = true,
): string | null {
  if (after.version < before.version) return "The code of conduct's version cannot go down.";
  if (accepted && after.text.trim() !== before.text.trim() && after.version <= before.version) {
    return `You changed the code of conduct: raise its version to ${before.version + 1} so everyone is asked to accept it again.`;
  }
  return null;
}

function toMinutes(time: string): number {
  const m = /^(\d{1,2}):(\d{2})/.exec(time);
  return m ? Number(m[1]) * 60 + Number(m[2]) : NaN;
}

/** `09:00:00` → `09:00` for an `<input type="time">`, and back. */
export function toTimeInput(time: string): string {
  return time.slice(0, 5);
}
export function fromTimeInput(value: string): string {
  return /^\d{2}:\d{2}$/.test(value) ? `${value}:00` : value;
}

/** The date `days` after `date` (YYYY-MM-DD). */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split("-").map(Number);
  const at = new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, (d ?? 1) + days));
  return at.toISOString().slice(0, 10);
}

/** Days after the last sprint day that attendees' personal data is kept, unless the organizer says otherwise
 * (the core's `Sprint::DEFAULT_RETENTION_DAYS`). */
export const DEFAULT_RETENTION_DAYS = 30;

/** The first day on which attendees' personal data is no longer kept (the core's `Sprint::retention_ends`),
 * `YYYY-MM-DD`, or `null` for a sprint without days. */
export function retentionEnds(sprint: Pick<Sprint, "days" | "retention_days">): string | null {
  const last = sprint.days.at(-1);
  if (!last) return null;
  return addDays(last.date, (sprint.retention_days ?? DEFAULT_RETENTION_DAYS) + 1);
}

/** What the organizer's screen says about retention on `today`, from this device's own state (the core's
 * `Retention`): a warning in the last week before personal data is erased and while it is being erased, a
 * note once it has been, nothing otherwise. Said from the state, not the date: the period may have been
 * lengthened after everyone was erased, and a device erases only once it notices the period has ended. */
export function retentionNotice(state: Retention, today: string): { tone: "warning" | "info"; text: string } | null {
  if (state.erased) {
    const when = state.erased_on ? ` on ${formatDayFrom(state.erased_on, today)}` : "";
    return {
      tone: "info",
      text: `Attendees’ personal data (names, e-mails, handles, badges) was erased${when}, when the retention period set in Settings ended; the sprint’s numbers are kept.`,
    };
  }
  const ends = state.ends;
  if (!ends) return null;
  if (today >= ends) {
    return {
      tone: "warning",
      text: `The retention period set in Settings ended on ${formatDayFrom(ends, today)}: attendees’ personal data is being erased on this device, and on every other at its next sync.`,
    };
  }
  if (today >= addDays(ends, -7)) {
    return {
      tone: "warning",
      text: `Attendees’ personal data will be erased on every device from ${formatDayFrom(ends, today)}. Download what the report needs now, or keep it longer in Settings.`,
    };
  }
  return null;
}

/** When the venue next opens after `today`, for a lead at closing: "tomorrow", or "on Tue 5 May" over a
 * break; `null` on the last day. */
export function nextOpenWords(today: string | null, next: string | null): string | null {
  if (!next) return null;
  return today && addDays(today, 1) === next ? "tomorrow" : `on ${formatDay(next)}`;
}

/** The venue's practical information Settings keeps, labelled, without the empty entries: what the kiosk
 * and Today show, and whether they show anything (a sprint just made has every entry empty). */
export function venueEntries(venue: Venue): { label: string; text: string }[] {
  return [
    { label: "Wi-Fi", text: venue.wifi },
    { label: "Address", text: venue.address },
    { label: "Food", text: venue.food },
    { label: "House rules", text: venue.house_rules },
  ].filter((e) => e.text.trim() !== "");
}
