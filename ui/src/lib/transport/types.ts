/** What the typed client needs from a way of talking to the Sprintdesk core. */

import type { DeviceRole } from "../../bindings/DeviceRole";
import type { Joined } from "../../bindings/Joined";

/** A request to join an existing venue on first start. */
export type JoinRequest = {
  /** The join code the organizer's device shows, e.g. `7KQ2M-XW4PA`. */
  code: string;
  /** The organizer's device, `host:port`. */
  address: string;
  /** How this device is listed (empty: the computer's name). */
  name: string;
  /** What this device is: `null` takes what the organizer chose when making the code. */
  role: DeviceRole | null;
};

export interface Transport {
  readonly kind: "tauri" | "http";
  /** Runs one command. Rejects with whatever the transport gives; the client normalizes it. */
  call(name: string, args: unknown): Promise<unknown>;
  /** Calls `callback` whenever the sprint may have changed. Returns the unsubscribe function. */
  listen(callback: () => void): () => void;
  join(request: JoinRequest): Promise<Joined>;
  openBoardWindow(): Promise<void>;
  /**
   * Saves a file the person asked for (an export, the report). The browser downloads it; the app, whose web
   * view does not, saves it in the Downloads folder. Resolves to where it went, in words.
   */
  saveFile(name: string, contents: string, type: string, encoding?: "base64"): Promise<string>;
  /** This window is the projector window the desktop app opened (it has nowhere to go back to). */
  isProjectorWindow(): boolean;
}
