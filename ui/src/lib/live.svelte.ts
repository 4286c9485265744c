/**
 * Data a screen shows and keeps fresh: fetched when the screen opens, again on every change event (here or
 * from another device) and, if asked, on a timer. Call `live(...)` while a component initialises.
 */

import { untrack } from "svelte";
import { asApiError, onChange } from "./api";
import type { ApiError } from "./errors";

export type Live<T> = {
  /** The last data fetched, kept while a refetch runs or fails. */
  readonly data: T | undefined;
  /** The last fetch failed (with `data`, the screen shows the previous data and says it may be stale). */
  readonly error: ApiError | null;
  /** Nothing fetched yet. */
  readonly loading: boolean;
  refresh(): Promise<void>;
};

export type LiveOptions = {
  /** Also refetch every so many milliseconds (the board: 30 s). */
  everyMs?: number;
  /** Reactive inputs of `load`: when what this returns changes, the data is fetched again. */
  key?: () => unknown;
};

export function live<T>(load: () => Promise<T>, options: LiveOptions = {}): Live<T> {
  let data = $state.raw<T | undefined>(undefined);
  let error = $state.raw<ApiError | null>(null);
  let loading = $state(true);
  let running = false;
  let again = false;
  let generation = 0;

  async function refresh(): Promise<void> {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      do {
        again = false;
        const mine = generation;
        try {
          const next = await load();
          if (mine === generation) {
            data = next;
            error = null;
          } else {
            again = true;
          }
        } catch (e) {
          if (mine === generation) error = asApiError(e);
        }
      } while (again);
    } finally {
      running = false;
      loading = false;
    }
  }

  $effect(() => {
    options.key?.();
    untrack(() => {
      generation++;
      if (options.key) {
        loading = true;
        data = undefined;
      }
      void refresh();
    });
    const stop = onChange(() => void refresh());
    const timer = options.everyMs ? setInterval(() => void refresh(), options.everyMs) : undefined;
    return () => {
      stop();
      if (timer !== undefined) clearInterval(timer);
    };
  });

  return {
    get data() {
      return data;
    },
    get error() {
      return error;
    },
    get loading() {
      return loading && data === undefined;
    },
    refresh,
  };
}
