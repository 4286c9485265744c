/** Countdowns: the kiosk's undo window and a join code's validity. Pure: the caller passes the time. */

/**
 * How long the kiosk offers Undo after a sign-in or sign-out: the core accepts it for 15 s (`UNDO_SECONDS`) from
 * when it recorded the sign-in; a second less here leaves time for the request. A Rust test keeps them in step.
 */
export const UNDO_WINDOW_SECONDS = 14;

/** Whole seconds left of a `total`-second window that started at `startedAt` (ms), never below 0. */
export function secondsLeft(startedAt: number, now: number, total: number = UNDO_WINDOW_SECONDS): number {
  const left = total - (now - startedAt) / 1000;
  if (left <= 0) return 0;
  return Math.min(total, Math.ceil(left - 1e-9));
}

/** The window has run out. */
export function expired(startedAt: number, now: number, total: number = UNDO_WINDOW_SECONDS): boolean {
  return now - startedAt >= total * 1000;
}

/** Minutes a join code is valid for (`sprintdesk pair`). */
export const JOIN_CODE_MINUTES = 10;

/**
 * When a join code runs out, on this screen's clock. `expiresAt` is the core's clock, which may differ from
 * this one (a test clock, a badly set laptop): when it is not within the code's lifetime from now, count
 * the lifetime from when the code arrived instead.
 */
export function joinCodeDeadline(expiresAt: number, receivedAt: number): number {
  const lifetime = JOIN_CODE_MINUTES * 60_000;
  const left = expiresAt - receivedAt;
  if (left > 0 && left <= lifetime + 5_000) return expiresAt;
  return receivedAt + lifetime;
}

/** `m:ss` for a number of milliseconds, never negative. */
export function formatCountdown(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const minutes = Math.floor(total / 60);
  const seconds = total % 60;
  return `${minutes}:${seconds.toString().padStart(2, "0")}`;
}
