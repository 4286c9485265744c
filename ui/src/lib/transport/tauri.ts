/**
 * The desktop transport: Tauri `invoke` (every command takes one parameter named `args`) and the
 * `sprint-changed` event.
 */

import { invoke } from "@tauri-apps/api/core";
import { listen } from "@tauri-apps/api/event";
import type { Joined } from "../../bindings/Joined";
import type { JoinRequest, Transport } from "./types";

/** The label the desktop shell gives the projector window. */
export const BOARD_WINDOW_LABEL = "board";

export type TauriOptions = {
  invoke?: (command: string, args?: Record<string, unknown>) => Promise<unknown>;
  listen?: (event: string, handler: () => void) => Promise<() => void>;
  windowLabel?: () => string | undefined;
};

function currentWindowLabel(): string | undefined {
  const internals = (window as unknown as { __TAURI_INTERNALS__?: { metadata?: { currentWindow?: { label?: string } } } })
    .__TAURI_INTERNALS__;
  return internals?.metadata?.currentWindow?.label;
}

export function createTauriTransport(options: TauriOptions = {}): Transport {
  const doInvoke = options.invoke ?? ((command, args) => invoke(command, args));
  const doListen = options.listen ?? ((event, handler) => listen(event, () => handler()));
  const label = options.windowLabel ?? currentWindowLabel;

  return {
    kind: "tauri",
    call: (name, args) => doInvoke(name, { args }),
    listen(callback) {
      let stopped = false;
      let unlisten: (() => void) | null = null;
      doListen("sprint-changed", callback).then(
        (stop) => {
          if (stopped) stop();
          else unlisten = stop;
        },
        () => {
          // Without the event the screens still refetch on their own timers.
        },
      );
      return () => {
        stopped = true;
        unlisten?.();
      };
    },
    join: (request: JoinRequest) => doInvoke("join_venue", { ...request }) as Promise<Joined>,
    async openBoardWindow() {
      await doInvoke("open_board_window");
    },
    saveFile: async (name, contents, _type, encoding) =>
      (await doInvoke("save_download", encoding === "base64" ? { name, contents, base64: true } : { name, contents })) as string,
    isProjectorWindow: () => label() === BOARD_WINDOW_LABEL,
  };
}
