// The real desktop app under Xvfb, driven through tauri-driver and WebKitWebDriver: it starts on a temporary
// database, a kiosk sign-in works, and the sign-in is in SQLite afterwards (read back by another process);
// a download (an access request's JSON) is saved as a file, which the app's web view would not do by itself;
// and the board fits the fullest card a lead can write in WebKitGTK as it does in Chromium.
//
// Run by scripts/test with DISPLAY set and tauri-driver on PATH; SPRINTDESK_APP names the app binary.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { built, demoVenue, wordsOf } from "./support.mjs";
import { tauriDriver } from "./webdriver.mjs";

const app = process.env.SPRINTDESK_APP ?? path.join(built, "sprintdesk-app");

/**
 * Runs `use(w)` on the app's window; the app inherits `env` (its database is the venue's temporary one) and
 * listens on loopback only. The window and tauri-driver are closed whatever happens.
 */
async function inAppWindow(env, use) {
  const driver = await tauriDriver({ ...env, SPRINTDESK_LISTEN: "127.0.0.1:0", SPRINTDESK_NO_DISCOVERY: "1" });
  try {
    const w = await driver.open(app);
    try {
      await use(w);
    } finally {
      await w.close().catch(() => {});
    }
  } finally {
    driver.stop();
  }
}

test("the desktop app signs someone in at the kiosk, and the row is in SQLite", { timeout: 120000 }, async () => {
  const v = demoVenue();
  await inAppWindow(v.env, async (w) => {
    await w.find("[data-testid=nav-today]");
    await w.screenshot("tauri-organizer");
    await w.run("location.hash = '#/kiosk'");
    await w.type("[data-testid=kiosk-search]", "lukasz test");
    await w.click("[data-testid=kiosk-result]");
    await w.click("[data-testid=coc-accept]");
    await w.click("[data-testid=photo-no]");
    await w.click("[data-testid=table-choice]");
    const welcome = await w.text("[data-testid=kiosk-success]");
    assert.match(welcome, /Łukasz Testowski/);
    await w.screenshot("tauri-kiosk-signed-in");
  });
  const presence = v.cli("presence");
  const everyone = presence.tables.flatMap((t) => t.people.map((p) => p.name));
  assert.ok(everyone.includes("Łukasz Testowski"), "the sign-in made in the window is in the database");
  v.remove();
});

test("the desktop app saves an access request's download in the Downloads folder", { timeout: 120000 }, async () => {
  const v = demoVenue();
  const downloads = path.join(v.dir, "Downloads");
  const person = v.cli("attendees", "show", "ltest");
  await inAppWindow({ ...v.env, SPRINTDESK_DOWNLOADS: downloads }, async (w) => {
    await w.click("[data-testid=nav-attendees]");
    await w.click('[aria-label="Edit Łukasz Testowski"]');
    await w.find("dialog[open]");
    await w.run(`[...document.querySelectorAll("dialog[open] button")].find((b) => b.textContent.includes("Download")).click()`);
    const file = path.join(downloads, `person-${person.id}.json`);
    for (let i = 0; i < 100 && !existsSync(file); i++) await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(readdirSync(downloads), [`person-${person.id}.json`]);
    const saved = JSON.parse(readFileSync(file, "utf8"));
    assert.equal(JSON.stringify(saved).includes("BADGE-4242"), true, "everything held about them");
    assert.equal(saved.attendee.name, "Łukasz Testowski");
    const said = await w.run(`return document.body.innerText`);
    assert.match(said, new RegExp(`Saved to .*Downloads/person-${person.id}\\.json`));
    await w.screenshot("tauri-download-saved");
  });
  v.remove();
});

test("the board in the real window fits the fullest card a lead can write, its notes cut to lines", { timeout: 120000 }, async () => {
  const v = demoVenue();
  const first = v.cli("board").projects[0].project.name;
  v.cli("project", "help-wanted", first, "on", "--note", wordsOf(120, "someone who knows the Windows build"));
  v.cli(
    "status", "add", "--project", first, "--done", wordsOf(280, "Three PRs merged, docs backlog halved."),
    "--next", wordsOf(280, "Finish the reviews, then the release notes."), "--blockers", wordsOf(280, "CI on Windows is red since this morning."),
  );
  await inAppWindow(v.env, async (w) => {
    await w.find("[data-testid=nav-today]");
    await w.run("location.hash = '#/board'");
    await w.find("[data-testid=board-status]");
    await new Promise((resolve) => setTimeout(resolve, 1500)); // The cards are measured and packed.
    const fit = await w.run(`
      const main = document.querySelector("main.projects").getBoundingClientRect();
      const cards = [...document.querySelectorAll("[data-testid=board-project]")];
      const done = document.querySelector("[data-testid=board-status] dd");
      return {
        cards: cards.length,
        cut: Math.max(...cards.map((c) => c.getBoundingClientRect().bottom - main.bottom)),
        clamp: getComputedStyle(done).webkitLineClamp,
        lines: Math.round(done.getBoundingClientRect().height / parseFloat(getComputedStyle(done).lineHeight)),
      };
    `);
    await w.screenshot("tauri-board-fullest-card");
    assert.ok(fit.cards > 0, "cards on the page");
    assert.ok(fit.cut <= 1, `a card is cut by ${fit.cut}px`);
    assert.match(String(fit.clamp), /^[1-3]$/, "the status says its first lines");
    assert.ok(fit.lines >= 1 && fit.lines <= Number(fit.clamp), `done takes ${fit.lines} lines, clamped to ${fit.clamp}`);
  });
  v.remove();
});
