/** This device's setup (sprint, mode, lead project), shared by the shell and the screens that change it. */

import type { Setup } from "../bindings/Setup";

export const session: { setup: Setup | null } = $state({ setup: null });

export function applySetup(setup: Setup): void {
  session.setup = setup;
}
