/** This device's setup (sprint, mode, lead project), shared by the shell and the screens that change it, and
 * whether it is joining a venue: the first-start screen stays up until the join ends, though the venue's sprint
 * (and so a setup with a sprint) arrives with the first records. */

import type { Setup } from "../bindings/Setup";

export const session: { setup: Setup | null; joining: boolean } = $state({ setup: null, joining: false });

export function applySetup(setup: Setup): void {
  session.setup = setup;
}
