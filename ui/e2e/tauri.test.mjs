// The real desktop app under Xvfb, driven through tauri-driver and WebKitWebDriver: it starts on a temporary
// database, a kiosk sign-in works, and the sign-in is in SQLite afterwards (read back by another process).
//
// Run by scripts/test with DISPLAY set and tauri-driver on PATH; SPRINTDESK_APP names the app binary.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { built, demoVenue, shots } from "./support.mjs";

const app = process.env.SPRINTDESK_APP ?? path.join(built, "sprintdesk-app");
const PORT = 4444 + Math.floor(Math.random() * 1000);
const DRIVER = `http://127.0.0.1:${PORT}`;

/** The few WebDriver calls this test needs, over plain HTTP. */
async function wd(method, route, body) {
  const response = await fetch(`${DRIVER}${route}`, {
    method,
    headers: { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await response.json();
  if (!response.ok) throw new Error(`${method} ${route}: ${JSON.stringify(json.value)}`);
  return json.value;
}

const ELEMENT = "element-6066-11e4-a6c6-4b4d9e5d1b2a";

function session(id) {
  const s = `/session/${id}`;
  const find = async (selector, timeout = 15000) => {
    const until = Date.now() + timeout;
    for (;;) {
      try {
        const found = await wd("POST", `${s}/element`, { using: "css selector", value: selector });
        // The W3C key, or whatever single key this driver uses for the element reference.
        return found[ELEMENT] ?? Object.values(found)[0];
      } catch (error) {
        if (Date.now() > until) throw error;
        await sleep(200);
      }
    }
  };
  return {
    find,
    run: (script, args = []) => wd("POST", `${s}/execute/sync`, { script, args }),
    type: async (selector, text) => wd("POST", `${s}/element/${await find(selector)}/value`, { text }),
    click: async (selector) => wd("POST", `${s}/element/${await find(selector)}/click`, {}),
    text: async (selector) => wd("GET", `${s}/element/${await find(selector)}/text`),
    screenshot: async (name) => {
      const png = await wd("GET", `${s}/screenshot`);
      mkdirSync(shots, { recursive: true });
      writeFileSync(path.join(shots, `${name}.png`), Buffer.from(png, "base64"));
    },
    close: () => wd("DELETE", s),
  };
}

test("the desktop app signs someone in at the kiosk, and the row is in SQLite", { timeout: 120000 }, async () => {
  const v = demoVenue();
  const driver = spawn("tauri-driver", ["--port", String(PORT), "--native-driver", "/usr/bin/WebKitWebDriver"], {
    // The app inherits this environment: its database is the temporary one.
    env: { ...v.env, SPRINTDESK_LISTEN: "127.0.0.1:0", SPRINTDESK_NO_DISCOVERY: "1" },
    stdio: "ignore",
  });
  try {
    for (let i = 0; ; i++) {
      try {
        await fetch(`${DRIVER}/status`);
        break;
      } catch (error) {
        if (i > 100) throw error;
        await sleep(100);
      }
    }
    const created = await wd("POST", "/session", {
      capabilities: { alwaysMatch: { browserName: "wry", "tauri:options": { application: app } } },
    });
    const w = session(created.sessionId);
    try {
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
    } finally {
      await w.close().catch(() => {});
    }
  } finally {
    driver.kill();
  }
  const presence = v.cli("presence");
  const everyone = presence.tables.flatMap((t) => t.people.map((p) => p.name));
  assert.ok(everyone.includes("Łukasz Testowski"), "the sign-in made in the window is in the database");
  v.remove();
});
