// The few WebDriver calls the desktop-app test and benchmark need, over plain HTTP, against tauri-driver
// (which starts the app through WebKitWebDriver). Needs DISPLAY and tauri-driver on PATH.
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { shots } from "./support.mjs";

// fetch refuses some ports (5060, 6000, …): this range has none of them.
const PORT = 14444 + Math.floor(Math.random() * 1000);
const DRIVER = `http://127.0.0.1:${PORT}`;

/** One WebDriver call. */
async function wd(method, route, body, signal = undefined) {
  const response = await fetch(`${DRIVER}${route}`, {
    method,
    headers: { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal,
  });
  const json = await response.json();
  if (!response.ok) throw new Error(`${method} ${route}: ${JSON.stringify(json.value)}`);
  return json.value;
}

const ELEMENT = "element-6066-11e4-a6c6-4b4d9e5d1b2a";

export function session(id) {
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

/**
 * Starts tauri-driver with `env` (the app it launches inherits it) and returns `open(app)`, which starts
 * the app and gives a session on its window, and `stop()`.
 */
export async function tauriDriver(env) {
  // Its own native port too: a WebKitWebDriver left over on the default one would take the session.
  const args = ["--port", String(PORT), "--native-port", String(PORT + 1), "--native-driver", "/usr/bin/WebKitWebDriver"];
  const driver = spawn("tauri-driver", args, { env, stdio: "ignore" });
  for (let i = 0; ; i++) {
    try {
      await fetch(`${DRIVER}/status`);
      break;
    } catch (error) {
      if (i > 100) {
        driver.kill();
        throw error;
      }
      await sleep(100);
    }
  }
  return {
    open: async (app) => {
      // tauri-driver waits for a window for ever when the app exits at once (a bad database, a stale
      // build): give up with words instead.
      const capabilities = { alwaysMatch: { browserName: "wry", "tauri:options": { application: app } } };
      const created = await wd("POST", "/session", { capabilities }, AbortSignal.timeout(60000)).catch((error) => {
        if (error.name !== "TimeoutError") throw error;
        throw new Error(`${app} opened no window within a minute: run it by hand with the same environment to see why`);
      });
      return session(created.sessionId);
    },
    stop: () => driver.kill(),
  };
}
