// Shared by the end-to-end tests: a venue on a temporary database (the demo sprint plus a few people the
// tests know by name), `sprintdesk serve` on it, Debian's Chromium, and screenshots.
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";

export const root = path.resolve(import.meta.dirname, "../..");
/** Where cargo put the binaries: `$CARGO_TARGET_DIR/debug`, or the checkout's `target/debug`. */
export const built = path.join(process.env.CARGO_TARGET_DIR ?? path.join(root, "target"), "debug");
export const bin = process.env.SPRINTDESK_BIN ?? path.join(built, "sprintdesk");
export const shots = path.join(root, "docs/screenshots/tmp");

/** A fixed "now" on the demo sprint's second day, late morning, in UTC: every run sees the same day. */
export const NOW = process.env.E2E_NOW ?? new Date().toISOString().slice(0, 10) + "T11:00:00Z";

/** A temporary venue: its database, its environment, and the CLI on it. */
export function venue() {
  const dir = mkdtempSync(path.join(tmpdir(), "sprintdesk-e2e-"));
  const env = {
    ...process.env,
    SPRINTDESK_DB: path.join(dir, "sprint.db"),
    SPRINTDESK_STATE_DIR: path.join(dir, "state"),
    SPRINTDESK_NOW: NOW,
    SPRINTDESK_LOG: "warn",
    TZ: "UTC",
  };
  const cli = (...args) => {
    const out = execFileSync(bin, ["--json", ...args], { env, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
    return out.trim() ? JSON.parse(out) : null;
  };
  return { dir, env, cli, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * A temporary venue whose clock reads `at` (RFC 3339; change `env.SPRINTDESK_NOW` to move it), holding a
 * sprint of `days` days from `start` in UTC, open 09:00–18:00, with one table, CPython at T1. Returns the
 * venue and the table's project.
 */
export function cpythonVenue({ at, start = at.slice(0, 10), days = 2, name = "Evening sprint" }) {
  const v = venue();
  v.env.SPRINTDESK_NOW = at;
  v.cli("init", "--name", name, "--start", start, "--days", String(days), "--tz", "UTC", "--opens", "09:00", "--closes", "18:00");
  return { v, table: v.cli("project", "add", "--name", "CPython", "--table", "T1") };
}

/**
 * The demo sprint plus people the tests use: Łukasz (never signed in, so the kiosk asks for the code of
 * conduct), a first-time contributor and a mentor.
 */
export function demoVenue() {
  const v = venue();
  v.cli("demo");
  v.cli("attendees", "add", "--name", "Łukasz Testowski", "--handle", "ltest", "--badge", "BADGE-4242");
  v.cli("attendees", "add", "--name", "Fern Firsttimer", "--handle", "fern", "--first-timer");
  v.cli("attendees", "add", "--name", "Maya Mentor", "--handle", "maya", "--role", "mentor");
  return v;
}

/**
 * Starts `sprintdesk serve` with the built UI (`ui`: another build's folder); resolves with its base URL.
 * `http: "0.0.0.0:0"` listens on every address, as a hub serving browsers on the venue network does (reached
 * here on 127.0.0.1). `connect`: other devices' sync addresses to reach (a joined device reaches its venue by
 * itself).
 */
export async function serve(v, { http = "127.0.0.1:0", connect = [], ui = path.join(root, "ui/dist") } = {}) {
  const peers = connect.flatMap((address) => ["--connect", address]);
  const child = spawn(
    bin,
    ["--json", "serve", "--listen", "127.0.0.1:0", "--no-discovery", "--http", http, "--ui", ui, ...peers],
    { env: v.env, stdio: ["ignore", "pipe", "inherit"] },
  );
  let text = "";
  for await (const line of createInterface({ input: child.stdout })) {
    text += line;
    if (line === "}") break;
  }
  const started = JSON.parse(text);
  const url = `http://${started.http.replace("0.0.0.0", "127.0.0.1")}`;
  return {
    url,
    /** Where it listens for other devices' sync sessions. */
    listening: started.listening,
    pid: child.pid,
    /** Stops it; resolves once it has exited (a second `serve` of the same file is refused until then). */
    stop: () => {
      const exited = child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      return exited;
    },
    /** Another client: calls the API directly. */
    call: async (command, args = null) => {
      const response = await fetch(`${url}/api/${command}`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(args),
      });
      const body = await response.json();
      if (!response.ok) throw new Error(`${command}: ${body.message}`);
      return body;
    },
  };
}

/** Debian's Chromium, headless, on a fresh profile. */
export async function chromium() {
  const { chromium } = await import("playwright-core");
  const profile = mkdtempSync(path.join(tmpdir(), "sprintdesk-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    viewport: { width: 1280, height: 800 },
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Words up to `length` characters exactly, as a lead would write them: the longest a field takes. */
export function wordsOf(length, words) {
  let text = words;
  while (text.length < length) text += ` ${words}`;
  return text.slice(0, length).trimEnd().padEnd(length, ".");
}

/** Saves a screenshot of `page` as docs/screenshots/tmp/<name>.png (the key ones are committed by hand). */
export async function shot(page, name) {
  mkdirSync(shots, { recursive: true });
  await page.screenshot({ path: path.join(shots, `${name}.png`) });
}

/**
 * One test file's venue in Chromium: `sprintdesk serve` on the venue `make()` builds, Debian's Chromium on it,
 * and pages of a given size. Call `open()` in `before` and `close()` in `after`; `v` and `server` are set by
 * `open()`. With `failOnErrors`, a page that throws fails the test.
 */
export function browserSession(make, { failOnErrors = true } = {}) {
  const session = {
    v: null,
    server: null,
    browser: null,
    async open() {
      session.v = await make();
      session.server = await serve(session.v);
      session.browser = await chromium();
    },
    async close() {
      await session.browser?.close();
      session.server?.stop();
      session.v?.remove();
    },
    async page(width = 1280, height = 800) {
      const p = await session.browser.context.newPage();
      await p.setViewportSize({ width, height });
      if (failOnErrors) {
        p.on("pageerror", (error) => {
          throw new Error(`the page threw: ${error.message}`);
        });
      }
      return p;
    },
  };
  return session;
}
