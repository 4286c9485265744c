// Benchmarks of the app as people use it (not a test: it prints figures for docs/benchmarks.md).
//
//   node ui/e2e/bench.mjs kiosk    keystroke → rendered results in the kiosk, 10,000 attendees, measured in
//                                  Chromium with the Performance API (served by `sprintdesk serve`): idle,
//                                  then while three other devices (joined kiosks, each its own `serve`)
//                                  sign in two people per second each, synced to the kiosk's device live
//   node ui/e2e/bench.mjs start    the desktop app's start: process start → the organizer's figures on
//                                  screen, 5,000 attendees, through tauri-driver (needs DISPLAY)
//   node ui/e2e/bench.mjs memory   the desktop app's resident memory after 20 s idle with 5,000 attendees
//                                  (BENCH_PEOPLE to change), beside a bare Tauri window's (the floor);
//                                  needs DISPLAY; sums each program's own and its WebKit processes
import { execFileSync, spawn } from "node:child_process";
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { built, chromium, serve, venue } from "./support.mjs";
import { tauriDriver } from "./webdriver.mjs";

const FIRST = ["Łukasz", "Zoë", "Éric", "Batuhan", "Søren", "Ana María", "Dong-hee", "Chiamaka", "Priya", "Mateus",
  "Yūki", "Olga", "Nguyễn", "Siobhán", "Jürgen", "Fatma", "Kwame", "Inés", "Björn", "Mei"];
const LAST = ["Langa", "Taşkaya", "Araujo", "Kierkegaard", "Núñez", "Na", "Okafor", "Raman", "Souza", "Tanaka",
  "Ivanova", "Trần", "O'Brien", "Müller", "Yılmaz", "Mensah", "García", "Sørensen", "Wang", "Kowalski"];

/** A venue with `n` attendees, imported from a plain CSV as an organizer would. */
function crowd(n) {
  const v = venue();
  v.cli("init", "--name", "Benchmark sprint", "--start", process.env.E2E_NOW?.slice(0, 10) ?? new Date().toISOString().slice(0, 10), "--days", "3", "--tz", "UTC", "--opens", "00:00", "--closes", "23:59");
  const rows = ["name,email,handle"];
  for (let i = 0; i < n; i++) {
    const name = `${FIRST[i % FIRST.length]} ${LAST[Math.floor(i / FIRST.length) % LAST.length]} ${i}`;
    rows.push(`"${name}",person${i}@example.org,h${i}`);
  }
  const file = path.join(v.dir, "people.csv");
  writeFileSync(file, rows.join("\n") + "\n");
  v.cli("import", "attendees", file);
  return v;
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

/**
 * `count` other devices joined to the venue `hub` serves (kiosks, each with its own database and `serve`),
 * each signing in `perSecond` people a second from `people` through its own API once `start()` is called.
 */
async function writers(hub, server, people, count, perSecond) {
  const devices = [];
  for (let i = 0; i < count; i++) {
    const v = venue();
    const code = hub.cli("pair", "--role", "kiosk").code;
    v.cli("join", code, server.listening, "--name", `writer-${i + 1}`);
    devices.push({ v, server: await serve(v) });
  }
  let timers = [];
  let next = 0;
  let signedIn = 0;
  const failures = [];
  return {
    start() {
      timers = devices.map((d) =>
        setInterval(() => {
          const attendee = people[next++ % people.length];
          d.server
            .call("sign_in", { attendee, project: null, accept_code_of_conduct: true })
            .then(() => signedIn++)
            .catch((e) => failures.push(e.message));
        }, 1000 / perSecond),
      );
    },
    stop() {
      for (const t of timers) clearInterval(t);
      for (const d of devices) {
        d.server.stop();
        d.v.remove();
      }
      return { signedIn, failures };
    },
  };
}

async function kiosk() {
  const v = crowd(10000);
  const server = await serve(v);
  const browser = await chromium();
  const people = (await server.call("attendees")).map((a) => a.id);
  const others = await writers(v, server, people, 3, 2);
  try {
    const page = await browser.context.newPage();
    await page.goto(`${server.url}/#/kiosk`);
    const search = page.getByTestId("kiosk-search");
    await search.waitFor();
    const idle = await keystrokes(page, search);
    keystrokeReport("idle", idle);
    const here = async () => (await server.call("presence")).here_now;
    const before = await here();
    others.start();
    const busy = await keystrokes(page, search);
    const { signedIn, failures } = others.stop();
    await sleep(1000);
    keystrokeReport(`while 3 other devices sign in 2 people/s each (${signedIn} sign-ins; the kiosk's device held ${(await here()) - before} more here)`, busy);
    if (failures.length > 0) console.log(`  ${failures.length} sign-ins refused, e.g. ${failures[0]}`);
  } finally {
    await browser.close();
    server.stop();
    v.remove();
  }
}

function keystrokeReport(what, times) {
  times.sort((a, b) => a - b);
  console.log(`kiosk keystroke → rendered results, 10,000 attendees, ${times.length} keystrokes, ${what}:`);
  console.log(`  p50 ${percentile(times, 50).toFixed(1)} ms  p95 ${percentile(times, 95).toFixed(1)} ms  max ${times.at(-1).toFixed(1)} ms`);
}

/** Ten rounds of typing names letter by letter in the kiosk's search; each keystroke's time in ms. */
async function keystrokes(page, search) {
  const queries = ["l", "lu", "luk", "luka", "t", "ta", "tas", "e", "er", "eric", "s", "so", "sor", "n", "nu", "nun"];
  const times = [];
  for (let round = 0; round < 10; round++) {
    for (const query of queries) {
      // One keystroke: from the input event until the frame after the search for it came back and
      // Svelte applied it (a microtask after the response; the next animation frame is painted).
      const ms = await page.evaluate(async (text) => {
        const input = document.querySelector("[data-testid=kiosk-search]");
        const answered = new Promise((resolve, reject) => {
          const original = window.fetch;
          const timer = setTimeout(() => reject(new Error(`no search for ${text}`)), 5000);
          window.fetch = async (...args) => {
            const response = await original(...args);
            const body = typeof args[1]?.body === "string" ? args[1].body : "";
            if (String(args[0]).endsWith("/api/search") && body.includes(JSON.stringify(text))) {
              window.fetch = original;
              clearTimeout(timer);
              const clone = response.clone();
              clone.json().then(() => resolve());
            }
            return response;
          };
        });
        const start = performance.now();
        input.value = text;
        input.dispatchEvent(new Event("input", { bubbles: true }));
        await answered;
        await new Promise((resolve) => setTimeout(resolve, 0));
        await new Promise((resolve) => requestAnimationFrame(() => resolve()));
        return performance.now() - start;
      }, query);
      times.push(ms);
      // Clear between words so every query really changes the list.
      if (query.length >= 3 || queries[queries.indexOf(query) + 1]?.length === 1) {
        await search.fill("");
        await sleep(30);
      }
    }
  }
  return times;
}

/** Resident memory of `pid` and all its descendants, in KiB. */
function treeRss(pid) {
  const children = new Map();
  for (const entry of readdirSync("/proc").filter((e) => /^\d+$/.test(e))) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const parent = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (!children.has(parent)) children.set(parent, []);
      children.get(parent).push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  const rss = (p) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, "utf8"))?.[1] ?? 0);
  // Proportional: a page shared by three processes (the WebKit libraries) counts a third in each.
  const pss = (p) => Number(/Pss:\s+(\d+)/.exec(readFileSync(`/proc/${p}/smaps_rollup`, "utf8"))?.[1] ?? 0);
  const rows = [];
  const walk = (p) => {
    try {
      rows.push({ pid: p, name: readFileSync(`/proc/${p}/comm`, "utf8").trim(), kib: rss(p), pss: pss(p) });
    } catch {
      return;
    }
    for (const c of children.get(p) ?? []) walk(c);
  };
  walk(pid);
  return rows;
}

/** Starts `binary`, waits until it idles, and returns the memory of it and its WebKit processes. */
async function idle(binary, env) {
  const app = spawn(binary, [], { env, stdio: "ignore" });
  try {
    await sleep(20000);
    return treeRss(app.pid);
  } finally {
    app.kill();
    await sleep(1000);
  }
}

const mib = (kib) => `${(kib / 1024).toFixed(1)} MiB`;

function report(title, rows) {
  const column = (kib) => mib(kib).padStart(10);
  console.log(`${title.padEnd(62)} RSS        PSS`);
  for (const r of rows) console.log(`  ${r.name.padEnd(20)} ${column(r.kib)} ${column(r.pss)}`);
  const sum = (key) => rows.reduce((total, r) => total + r[key], 0);
  console.log(`  ${"all processes".padEnd(20)} ${column(sum("kib"))} ${column(sum("pss"))}`);
  return { kib: sum("kib"), pss: sum("pss") };
}

async function memory() {
  if (!process.env.DISPLAY) throw new Error("the memory benchmark opens the app window: set DISPLAY (Xvfb)");
  // The floor: a Tauri window with the app's web view settings and a one-line page (src-tauri/examples).
  const floorBinary = process.env.SPRINTDESK_FLOOR ?? path.join(built, "examples", "webview_floor");
  const floor = report("a Tauri window on a one-line page (the floor), idle 20 s:", await idle(floorBinary, process.env));
  const people = Number(process.env.BENCH_PEOPLE ?? 5000);
  const v = crowd(people);
  try {
    const env = { ...v.env, SPRINTDESK_LISTEN: "127.0.0.1:0", SPRINTDESK_NO_DISCOVERY: "1" };
    const rows = await idle(process.env.SPRINTDESK_APP ?? path.join(built, "sprintdesk-app"), env);
    const app = report(`the app, ${people.toLocaleString("en")} attendees, organizer view, idle 20 s:`, rows);
    console.log(`the app above the floor: ${mib(app.kib - floor.kib)} RSS, ${mib(app.pss - floor.pss)} PSS`);
  } finally {
    v.remove();
  }
}

/** When process `pid` started, in milliseconds since the epoch (10 ms resolution, from /proc). */
function startedAt(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const ticks = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19]);
  const boot = Number(/^btime (\d+)$/m.exec(readFileSync("/proc/stat", "utf8"))[1]);
  const perSecond = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }));
  return boot * 1000 + (ticks / perSecond) * 1000;
}

/** The newest process called `name`. */
function newest(name) {
  const pids = readdirSync("/proc").filter((e) => /^\d+$/.test(e)).map(Number);
  const named = pids.filter((p) => {
    try {
      return readFileSync(`/proc/${p}/comm`, "utf8").trim() === name.slice(0, 15);
    } catch {
      return false;
    }
  });
  return Math.max(...named);
}

async function start() {
  if (!process.env.DISPLAY) throw new Error("the start benchmark opens the app window: set DISPLAY (Xvfb)");
  const app = process.env.SPRINTDESK_APP ?? path.join(built, "sprintdesk-app");
  const v = crowd(5000);
  const driver = await tauriDriver({ ...v.env, SPRINTDESK_LISTEN: "127.0.0.1:0", SPRINTDESK_NO_DISCOVERY: "1" });
  const times = [];
  try {
    for (let run = 0; run < 6; run++) {
      const w = await driver.open(app);
      try {
        // Interactive: the organizer's first screen shows its figures (the sprint loaded and answered).
        let shown = null;
        for (let polls = 0; shown === null; polls++) {
          if (polls > 1500) throw new Error("the organizer's figures never showed");
          shown = await w.run(
            "return document.querySelector('.stat .num') ? performance.timeOrigin + performance.now() : null",
          );
          if (shown === null) await sleep(10);
        }
        const ms = shown - startedAt(newest(path.basename(app)));
        // The first run warms the disk cache and WebKit's; report it apart.
        if (run === 0) console.log(`first start after building the venue: ${ms.toFixed(0)} ms`);
        else times.push(ms);
      } finally {
        await w.close().catch(() => {});
        await sleep(500);
      }
    }
  } finally {
    driver.stop();
    v.remove();
  }
  times.sort((a, b) => a - b);
  console.log(`desktop app start → organizer figures on screen, 5,000 attendees, ${times.length} starts:`);
  console.log(`  median ${percentile(times, 50).toFixed(0)} ms  max ${times.at(-1).toFixed(0)} ms`);
}

const which = process.argv[2];
if (which === "kiosk") await kiosk();
else if (which === "memory") await memory();
else if (which === "start") await start();
else {
  console.error("usage: node ui/e2e/bench.mjs kiosk|memory|start");
  process.exit(2);
}
