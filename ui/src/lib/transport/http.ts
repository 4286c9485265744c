/**
 * The browser transport: `POST /api/<command>` against `sprintdesk serve`, and server-sent events from
 * `GET /api/events` for live updates.
 */

import type { Joined } from "../../bindings/Joined";
import { fromHttpAnswer } from "../errors";
import type { JoinRequest, Transport } from "./types";

type EventSourceLike = {
  addEventListener(type: string, listener: () => void): void;
  close(): void;
  /** 2 (closed) once the browser has given up on it: an answer other than a stream (a 503, say). */
  readonly readyState?: number;
  onopen: ((this: EventSourceLike, ev: Event) => unknown) | null;
  onerror: ((this: EventSourceLike, ev: Event) => unknown) | null;
};

export type HttpOptions = {
  /** Where the API lives; `/api` when the UI is served by `sprintdesk serve` or Vite's dev proxy. */
  base?: string;
  fetch?: typeof fetch;
  /** Makes the event stream; absent where the platform has no `EventSource` (tests, very old browsers). */
  eventSource?: ((url: string) => EventSourceLike) | null;
  /** Opens a new browser tab (the board on a projector). */
  openWindow?: (url: string) => void;
  /** Whether the page is out of sight, and a way to hear when that changes (the document's, by default). */
  visibility?: Visibility | null;
  /** How long after the server refused the event stream to ask for it again (30 s). */
  eventRetryMs?: number;
};

/** `EventSource.CLOSED`. */
const CLOSED = 2;

export type Visibility = { hidden(): boolean; onChange(listener: () => void): void };

const documentVisibility: Visibility | null =
  typeof document === "undefined"
    ? null
    : {
        hidden: () => document.visibilityState === "hidden",
        onChange: (listener) => document.addEventListener("visibilitychange", listener),
      };

export function createHttpTransport(options: HttpOptions = {}): Transport {
  const base = options.base ?? "/api";
  const doFetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const makeSource =
    options.eventSource === undefined
      ? typeof EventSource === "function"
        ? (url: string) => new EventSource(url) as unknown as EventSourceLike
        : null
      : options.eventSource;
  const openWindow = options.openWindow ?? ((url: string) => void window.open(url, "_blank"));
  const visibility = options.visibility === undefined ? documentVisibility : options.visibility;

  async function post(path: string, body: unknown): Promise<unknown> {
    // A network failure rejects with a TypeError, which the client turns into "unreachable".
    const response = await doFetch(`${base}/${path}`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(body ?? null),
    });
    const text = await response.text();
    if (!response.ok) throw fromHttpAnswer(response.status, text);
    if (text.trim() === "") return null;
    try {
      return JSON.parse(text);
    } catch {
      throw { code: "internal", message: "Sprintdesk sent an answer this screen cannot read." };
    }
  }

  const retryMs = options.eventRetryMs ?? 30_000;
  // One event stream for all listeners, opened with the first and closed with the last.
  const listeners = new Set<() => void>();
  let source: EventSourceLike | null = null;
  let dropped = false;

  function emit() {
    for (const listener of [...listeners]) listener();
  }

  function open() {
    if (!makeSource || source || visibility?.hidden()) return;
    const opened = makeSource(`${base}/events`);
    source = opened;
    opened.addEventListener("changed", emit);
    opened.onerror = () => {
      dropped = true;
      // A dropped stream is retried by the browser; one refused (the server following too many pages: 503)
      // is given up for good. Asked for again a while later, so that a board on the wall does not go stale.
      if (opened.readyState === CLOSED && source === opened) {
        source = null;
        setTimeout(() => {
          if (listeners.size > 0) open();
        }, retryMs);
      }
    };
    source.onopen = () => {
      // After a dropped connection, changes may have been missed: refetch once.
      if (dropped) {
        dropped = false;
        emit();
      }
    };
  }

  // A tab out of sight gives its event stream back: a browser keeps at most six connections to a server, and
  // every open Sprintdesk tab holding one leaves none for the screen in use (its buttons then hang). Back in
  // sight, it opens the stream again and catches up once.
  visibility?.onChange(() => {
    if (visibility.hidden()) {
      if (source) {
        source.close();
        source = null;
        dropped = true;
      }
    } else if (listeners.size > 0) {
      open();
    }
  });

  return {
    kind: "http",
    call: (name, args) => post(name, args),
    listen(callback) {
      listeners.add(callback);
      open();
      return () => {
        listeners.delete(callback);
        if (listeners.size === 0 && source) {
          source.close();
          source = null;
        }
      };
    },
    join: (request: JoinRequest) => post("join", request) as Promise<Joined>,
    async openBoardWindow() {
      openWindow("#/board");
    },
    async saveFile(name, contents, type, encoding) {
      const link = document.createElement("a");
      const body = encoding === "base64" ? Uint8Array.from(atob(contents), (c) => c.charCodeAt(0)) : contents;
      link.href = URL.createObjectURL(new Blob([body], { type }));
      link.download = name;
      link.click();
      setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
      return `your browser's downloads (${name})`;
    },
    isProjectorWindow: () => false,
  };
}
