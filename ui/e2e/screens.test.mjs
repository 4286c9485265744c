// Every screen of the served UI on the demo sprint, at 1280×800 and 1920×1080, and the board and the kiosk
// also in portrait (1080×1920), saved as docs/screenshots/tmp/screen-<what>-<size>.png to look at. Each
// screen is checked for what a broken one shows: a page wider than the window, "undefined" or raw JSON.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { browserSession, demoVenue, shot } from "./support.mjs";

const session = browserSession(demoVenue);
before(session.open);
after(session.close);

const SIZES = [
  ["1280x800", 1280, 800],
  ["1920x1080", 1920, 1080],
];

const ORGANIZER = ["today", "attendees", "projects", "report", "devices", "review", "settings"];

async function drawn(p) {
  await p.waitForTimeout(150);
  await p.waitForFunction(() => !document.querySelector(".loading, [aria-busy=true]"));
  await p.waitForTimeout(700); // fade-ins
  const problems = await p.evaluate(() => {
    const found = [];
    if (document.scrollingElement.scrollWidth > innerWidth + 1) found.push("wider than the window");
    if (/\bundefined\b|\[object Object\]|"code":/.test(document.body.innerText)) found.push("raw values on screen");
    return found;
  });
  return problems;
}

for (const [size, width, height] of SIZES) {
  test(`every screen at ${size}`, async () => {
    const p = await session.page(width, height);
    const problems = {};
    const look = async (name) => {
      const found = await drawn(p);
      if (found.length) problems[name] = found;
      await shot(p, `screen-${name}-${size}`);
    };
    await p.goto(`${session.server.url}/#/organizer`);
    for (const nav of ORGANIZER) {
      await p.getByTestId(`nav-${nav}`).click();
      await look(`organizer-${nav}`);
    }
    await p.goto(`${session.server.url}/#/lead`);
    await p.getByRole("button", { name: /CPython/ }).first().click();
    await look("lead");
    await p.goto(`${session.server.url}/#/kiosk`);
    await look("kiosk");
    await p.getByTestId("kiosk-search").pressSequentially("zeyn");
    await p.getByTestId("kiosk-result").first().waitFor();
    await look("kiosk-results");
    await p.goto(`${session.server.url}/#/retro`);
    await look("retro");
    await p.goto(`${session.server.url}/#/board`);
    await p.getByTestId("board-project").first().waitFor();
    await look("board");
    assert.deepEqual(problems, {});
    await p.close();
  });
}

test("the board and the kiosk in portrait (1080×1920)", async () => {
  const p = await session.page(1080, 1920);
  await p.goto(`${session.server.url}/#/board`);
  await p.getByTestId("board-project").first().waitFor();
  assert.deepEqual(await drawn(p), []);
  await shot(p, "screen-board-portrait");
  await p.goto(`${session.server.url}/#/kiosk`);
  await p.getByTestId("kiosk-search").pressSequentially("zeyn");
  await p.getByTestId("kiosk-result").first().waitFor();
  assert.deepEqual(await drawn(p), []);
  await shot(p, "screen-kiosk-portrait");
  await p.close();
});
