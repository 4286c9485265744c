/**
 * The one typed client of the Sprintdesk core. It picks its transport once — Tauri `invoke` inside the
 * desktop app, HTTP against `sprintdesk serve` in a browser — and every error it gives is an `ApiError`
 * with a message a person can read. Components call this module, never `invoke` or `fetch`.
 */

import { type Commands, WRITES } from "../bindings/commands";
import type { Joined } from "../bindings/Joined";
import { type ApiError, toApiError } from "./errors";
import { createHttpTransport } from "./transport/http";
import { createTauriTransport } from "./transport/tauri";
import type { JoinRequest, Transport } from "./transport/types";

export type { ApiError, JoinRequest, Transport };

/** Whether this page runs inside the Tauri desktop app. */
export function inTauri(scope: object = globalThis): boolean {
  return "__TAURI_INTERNALS__" in scope;
}

/** The transport for this page: Tauri's when inside the app, HTTP otherwise. */
export function selectTransport(scope: object = globalThis): Transport {
  return inTauri(scope) ? createTauriTransport() : createHttpTransport();
}

let transport: Transport | null = null;
const localListeners = new Set<() => void>();

function current(): Transport {
  transport ??= selectTransport();
  return transport;
}

/** Replaces the transport (tests, or a page that knows better). */
export function useTransport(next: Transport | null): void {
  transport = next;
}

/** The kind of transport in use: `tauri` or `http`. */
export function transportKind(): Transport["kind"] {
  return current().kind;
}

const writes: ReadonlySet<string> = new Set(WRITES);

/** Runs one command of the core. Rejects with an `ApiError`. */
export async function call<K extends keyof Commands>(
  name: K,
  args: Commands[K]["args"],
): Promise<Commands[K]["result"]> {
  let result: unknown;
  try {
    result = await current().call(name, args);
  } catch (error) {
    throw toApiError(error);
  }
  // Screens on this device refetch at once, without waiting for the change feed to come round.
  if (writes.has(name)) queueMicrotask(notifyLocal);
  return result as Commands[K]["result"];
}

function notifyLocal() {
  for (const listener of [...localListeners]) listener();
}

/** Calls `callback` whenever the sprint may have changed (here or on another device). Returns the function
 * that stops it. */
export function onChange(callback: () => void): () => void {
  localListeners.add(callback);
  const stopRemote = current().listen(callback);
  return () => {
    localListeners.delete(callback);
    stopRemote();
  };
}

/** First start: joins an existing venue with a join code shown on the organizer's device. */
export async function join(request: JoinRequest): Promise<Joined> {
  try {
    return await current().join(request);
  } catch (error) {
    throw toApiError(error);
  }
}

/** Opens the board for the projector: a window of its own in the app, a new tab in a browser. */
export async function openBoardWindow(): Promise<void> {
  try {
    await current().openBoardWindow();
  } catch (error) {
    throw toApiError(error);
  }
}

/**
 * Saves a file the person asked for: downloaded in a browser, in the Downloads folder in the app. Resolves to
 * where it went, in words ("/home/ana/Downloads/report.html").
 */
export async function saveFile(name: string, contents: string, type: string, encoding?: "base64"): Promise<string> {
  try {
    return await current().saveFile(name, contents, type, encoding);
  } catch (error) {
    throw toApiError(error);
  }
}

/** This window is the app's projector window: it has no other screen to go back to. */
export function isProjectorWindow(): boolean {
  return current().isProjectorWindow();
}

/** Narrows an unknown rejection from this module to `ApiError` (they are all `ApiError`s already). */
export function asApiError(error: unknown): ApiError {
  return toApiError(error);
}
