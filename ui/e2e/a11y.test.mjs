// Accessibility in Chromium: axe-core over every screen and mode against `sprintdesk serve` on the demo
// sprint — the kiosk (empty, results, walk-in form, the table question before signing out), every organizer
// page, the table lead screen, the board (landscape and portrait) and the retrospective. No serious or critical violation may remain.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { browserSession, demoVenue, root } from "./support.mjs";

let server;

const session = browserSession(demoVenue, { failOnErrors: false });
before(async () => {
  await session.open();
  ({ server } = session);
});
after(session.close);

const AXE = path.join(root, "ui/node_modules/axe-core/axe.min.js");

/** The serious and critical violations axe finds on the page as it is now, as readable lines. */
async function violations(p) {
  await p.addScriptTag({ path: AXE });
  const found = await p.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ["violations"] });
    return result.violations
      .filter((v) => v.impact === "serious" || v.impact === "critical" || v.id === "page-has-heading-one")
      .map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")}`);
  });
  return found;
}

const page = session.page;

/** Waits until the screen has drawn what it fetched: no spinner, no busy button. (Not "network idle": the
 * change feed is an open event stream, so the network is never idle for long on a busy machine.) */
async function settled(p) {
  await p.waitForTimeout(150);
  await p.waitForFunction(() => !document.querySelector(".loading, [aria-busy=true]"));
  await p.waitForTimeout(300);
}

test("axe: the kiosk, empty, with results, and the walk-in form", async () => {
  const p = await page();
  await p.goto(`${server.url}/#/kiosk`);
  await p.getByTestId("kiosk-search").waitFor();
  const seen = { empty: await violations(p) };
  await p.getByTestId("kiosk-search").pressSequentially("zeynep");
  await p.getByTestId("kiosk-result").first().waitFor();
  seen.results = await violations(p);
  await p.getByRole("button", { name: "I’m not on the list" }).click();
  await p.getByLabel("Your name").waitFor();
  seen.walkIn = await violations(p);
  // Someone here, found by name: "Which table are you at?" before signing out.
  const [someone] = await server.call("search", { query: "zeynep" });
  if (!someone.here_now) {
    await server.call("sign_in", { attendee: someone.id, accept_code_of_conduct: true, photo_consent: false });
  }
  await p.reload();
  await p.getByTestId("kiosk-search").pressSequentially("zeynep");
  await p.getByTestId("kiosk-result").filter({ hasText: someone.name }).first().click();
  await p.getByTestId("kiosk-signout").waitFor();
  seen.here = await violations(p);
  await p.getByTestId("kiosk-signout").click();
  await p.getByTestId("kiosk-which-table").waitFor();
  await settled(p);
  seen.whichTable = await violations(p);
  assert.deepEqual(seen, { empty: [], results: [], walkIn: [], here: [], whichTable: [] });
  await p.close();
});

test("axe: every organizer page", async () => {
  const p = await page();
  await p.goto(`${server.url}/#/organizer`);
  const seen = {};
  for (const nav of ["today", "attendees", "projects", "report", "devices", "review", "settings"]) {
    await p.getByTestId(`nav-${nav}`).click();
    await settled(p);
    seen[nav] = await violations(p);
  }
  await p.getByTestId("nav-devices").click();
  await p.getByRole("button", { name: /Pair a new device/ }).click();
  await p.getByRole("dialog").getByRole("button", { name: "Make the join code" }).click();
  await p.locator(".qr svg").waitFor();
  await settled(p);
  seen.pairing = await violations(p);
  assert.deepEqual(seen, Object.fromEntries(Object.keys(seen).map((k) => [k, []])));
  await p.close();
});

test("axe: the table lead screen, the retrospective, the board in landscape and portrait", async () => {
  const seen = {};
  const p = await page();
  await p.goto(`${server.url}/#/lead`);
  await settled(p);
  seen.lead = await violations(p);
  await p.goto(`${server.url}/#/retro`);
  await p.getByTestId("retro-form").waitFor();
  seen.retro = await violations(p);
  await p.goto(`${server.url}/#/board`);
  await p.getByTestId("board-project").first().waitFor();
  await p.waitForTimeout(1200);
  seen.board = await violations(p);
  await p.close();
  const portrait = await page(1080, 1920);
  await portrait.goto(`${server.url}/#/board`);
  await portrait.getByTestId("board-project").first().waitFor();
  await portrait.waitForTimeout(1200);
  seen.boardPortrait = await violations(portrait);
  await portrait.close();
  assert.deepEqual(seen, { lead: [], retro: [], board: [], boardPortrait: [] });
});
