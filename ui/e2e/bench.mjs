// Benchmarks of the app as people use it (not a test: it prints figures for docs/benchmarks.md).
//
//   node ui/e2e/bench.mjs kiosk    keystroke → rendered results in the kiosk, 10,000 attendees, measured in
//                                  Chromium with the Performance API (served by `sprintdesk serve`): idle,
//                                  then while three other devices (joined kiosks, each its own `serve`)
//                                  sign in two people per second each, synced to the kiosk's device live;
//                                  BENCH_ROUNDS (10) rounds of 16 keystrokes each way
//   node ui/e2e/bench.mjs start    the desktop app's start: process start → the organizer's figures on
//                                  screen, 5,000 attendees, through tauri-driver (needs DISPLAY)
//   node ui/e2e/bench.mjs memory   the desktop app's resident memory after 20 s idle with 5,000 attendees
//                                  (BENCH_PEOPLE to change), beside a bare Tauri window's (the floor);
//                                  needs DISPLAY; sums each program's own and its WebKit processes
//   node ui/e2e/bench.mjs soak     the desktop app as a projector board for BENCH_MINUTES (default 30): 1,000
//                                  attendees (BENCH_PEOPLE), 24 tables, pages turning every 2 s, and another
//                                  device (joined, its own `serve`, synced live to the app's peer on
//                                  127.0.0.1) signing one person in a second, and out again 4 minutes later;
//                                  RSS and PSS of every process of the app each minute, and each one's growth
//                                  per hour (least squares from minute 5); the app reloads its board every
//                                  BENCH_RELOAD_MINUTES (5; the app's own default is 2 hours). Release build
//                                  (SPRINTDESK_BIN=target/release/sprintdesk; the app from target/release
//                                  unless SPRINTDESK_APP); needs DISPLAY; screenshots in docs/screenshots/tmp
//   node ui/e2e/bench.mjs week     a week of sign-ins on one `serve` (BENCH_EVENTS, 60,000): its memory, and
//                                  a board read and a sign-in as they pile up, with 200 claims standing
//   node ui/e2e/bench.mjs turns    the board's pages turning every 2 s in WebKitGTK's MiniBrowser over `serve`,
//                                  nothing else changing, for BENCH_MINUTES (6): the web process's growth
//                                  per hour, for each UI build in BENCH_UI (comma-separated dist folders) in
//                                  turn; needs DISPLAY; minutes, and no app to build, where the soak takes
//                                  half an hour
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { bin, built, chromium, root, serve, shots, venue } from "./support.mjs";
import { tauriDriver } from "./webdriver.mjs";

const FIRST = ["Łukasz", "Zoë", "Éric", "Batuhan", "Søren", "Ana María", "Dong-hee", "Chiamaka", "Priya", "Mateus",
  "Yūki", "Olga", "Nguyễn", "Siobhán", "Jürgen", "Fatma", "Kwame", "Inés", "Björn", "Mei"];
const LAST = ["Langa", "Taşkaya", "Araujo", "Kierkegaard", "Núñez", "Na", "Okafor", "Raman", "Souza", "Tanaka",
  "Ivanova", "Trần", "O'Brien", "Müller", "Yılmaz", "Mensah", "García", "Sørensen", "Wang", "Kowalski"];

/**
 * A venue with `n` attendees, imported from a plain CSV as an organizer would; on the wall clock with
 * `realTime` (else at the tests' fixed time, `NOW`).
 */
function crowd(n, { realTime = false } = {}) {
  const v = venue();
  if (realTime) delete v.env.SPRINTDESK_NOW;
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
    const busyFrom = performance.now();
    const busy = await keystrokes(page, search);
    const { signedIn, failures } = others.stop();
    const seconds = (performance.now() - busyFrom) / 1000;
    await sleep(1000);
    keystrokeReport(`while 3 other devices sign in 2 people/s each (${signedIn} sign-ins in ${seconds.toFixed(1)} s; the kiosk's device held ${(await here()) - before} more here)`, busy);
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

/**
 * BENCH_ROUNDS (10) rounds of typing names letter by letter in the kiosk's search, 16 keystrokes a round;
 * each keystroke's time in ms.
 */
async function keystrokes(page, search) {
  const queries = ["l", "lu", "luk", "luka", "t", "ta", "tas", "e", "er", "eric", "s", "so", "sor", "n", "nu", "nun"];
  const times = [];
  const rounds = Number(process.env.BENCH_ROUNDS ?? 10);
  for (let round = 0; round < rounds; round++) {
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
  const rollup = (p, field) =>
    Number(new RegExp(`^${field}:\\s+(\\d+)`, "m").exec(readFileSync(`/proc/${p}/smaps_rollup`, "utf8"))?.[1] ?? 0);
  const rows = [];
  const walk = (p) => {
    try {
      const name = readFileSync(`/proc/${p}/comm`, "utf8").trim();
      // Anonymous: the heaps (malloc's, JavaScript's), apart from mapped files.
      rows.push({ pid: p, name, kib: rss(p), pss: rollup(p, "Pss"), anon: rollup(p, "Anonymous") });
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

/** A port nothing listens on now (the app's sync listener is told it, so another device can reach it). */
async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Least-squares slope of `ys` over `xs`. */
function slope(xs, ys) {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i] - mx) * (ys[i] - my);
    den += (xs[i] - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

/** What the board shows now, read in its window: page, pages, here now, names on screen, DOM size. */
const BOARD_STATE = `
  const pager = document.querySelector("[data-testid=board-pager] .visually-hidden")?.textContent ?? "";
  const [, page, pages] = /Page (\\d+) of (\\d+)/.exec(pager) ?? [];
  const names = [...document.querySelectorAll("main.projects > .column [data-project] .pname")].map((li) => li.textContent.trim());
  return {
    hash: location.hash,
    page: Number(page ?? 0),
    pages: Number(pages ?? 0),
    here: Number(document.querySelector("[data-testid=board-here-now] .num")?.textContent ?? -1),
    cards: document.querySelectorAll("main.projects > .column [data-project]").length,
    names,
    nodes: document.getElementsByTagName("*").length,
    // Tauri's pending IPC callbacks (two per call in flight), and when this document was loaded.
    callbacks: window.__TAURI_INTERNALS__?.callbacks?.size ?? -1,
    loaded: Math.round(performance.timeOrigin),
  };
`;

/**
 * A board's venue on the real clock (a day open round the clock): `people` attendees and `tables` projects at
 * T1… with one to three goals each, a lead each; its pages set to turn every 2 s.
 */
function boardVenue(people, tables) {
  const v = crowd(people, { realTime: true });
  const leads = v.cli("attendees", "list").slice(0, tables);
  for (let t = 1; t <= tables; t++) {
    const project = `Project ${String.fromCharCode(64 + t)}${t > 9 ? "ware" : "lib"}`;
    v.cli("call", "add_project", JSON.stringify({ name: project, table_label: `T${t}`, leads: [leads[t - 1].id] }));
    for (let g = 1; g <= 1 + (t % 3); g++) v.cli("call", "add_goal", JSON.stringify({ project: `T${t}`, title: `Goal ${g} of table ${t}: make the thing ${g} faster` }));
  }
  v.cli("call", "set_board_pace", JSON.stringify({ page_seconds: 2 }));
  return v;
}

/**
 * The board's pages turning in WebKitGTK alone, for minutes: to find which change to the board's page makes
 * WebKit's web process grow, without building the app or soaking for half an hour. WebKitGTK's MiniBrowser
 * (shipped with the library the app uses; without compositing and page cache, as the app's views, but with
 * its own cache model, not the app's document viewer's) shows
 * `sprintdesk serve`'s board in its 1,024×768 window, for each UI build in BENCH_UI (comma-separated
 * `ui/dist` folders; this checkout's unless told) in turn, on one venue: 1,000 attendees, 24 tables, 240
 * people here (signed in before the board opens, so nothing changes but the page), a page every 2 s. Every
 * 30 s for BENCH_MINUTES (6): the web process's RSS; then each build's growth per hour from minute 2 (least
 * squares).
 */
async function turns() {
  if (!process.env.DISPLAY) throw new Error("the board is shown in a window: set DISPLAY (Xvfb)");
  // Debian's multiarch folder (x86_64-linux-gnu, aarch64-linux-gnu, …) or another distribution's libexec.
  const browser =
    process.env.MINIBROWSER ??
    [...readdirSync("/usr/lib").map((d) => `/usr/lib/${d}`), "/usr/libexec"]
      .map((d) => `${d}/webkit2gtk-4.1/MiniBrowser`)
      .find((f) => existsSync(f));
  if (!browser || !existsSync(browser)) throw new Error(`WebKitGTK's MiniBrowser was not found${browser ? ` at ${browser}` : ""} (MINIBROWSER to say where)`);
  const builds = (process.env.BENCH_UI ?? path.join(root, "ui/dist")).split(",").map((d) => path.resolve(d));
  for (const ui of builds) if (!existsSync(path.join(ui, "index.html"))) throw new Error(`no built UI in ${ui} (npm run build there)`);
  const minutes = Number(process.env.BENCH_MINUTES ?? 6);
  if (!(minutes >= 3)) throw new Error("BENCH_MINUTES: at least 3 (the growth is read from minute 2)");
  mkdirSync(shots, { recursive: true });
  const v = boardVenue(1000, 24);
  const results = [];
  try {
    const ids = v.cli("attendees", "list").map((a) => a.id);
    const projects = v.cli("call", "projects").map((p) => p.id);
    for (const [round, ui] of builds.entries()) {
      const server = await serve(v, { ui });
      let window = null;
      try {
        if (round === 0) {
          for (let i = 0; i < 240; i++) {
            await server.call("sign_in", { attendee: ids[i], project: projects[i % projects.length], accept_code_of_conduct: true });
          }
        }
        window = spawn(browser, ["--enable-page-cache=false", `${server.url}/#/board`], {
          env: { ...process.env, WEBKIT_DISABLE_COMPOSITING_MODE: "1" },
          stdio: "ignore",
        });
        window.once("error", (e) => console.error(`MiniBrowser: ${e.message}`));
        const samples = [];
        const started = Date.now();
        // The page's web process, pinned at the first sample: one started later (a crash, a new page) is a
        // different process, whose memory says nothing about this one's growth.
        let pid = null;
        for (let half = 1; half <= minutes * 2; half++) {
          await sleep(started + half * 30000 - Date.now());
          const web = treeRss(window.pid).filter((r) => r.name.startsWith("WebKitWebProces"));
          pid ??= web.at(-1)?.pid ?? null;
          const mine = web.find((r) => r.pid === pid);
          if (pid !== null && !mine) throw new Error(`${ui}: the board's web process ${pid} ended`);
          if (mine) samples.push({ minute: half / 2, kib: mine.kib });
          if (half === 2) execFileSync("import", ["-window", "root", path.join(shots, `turns-${round + 1}.png`)]);
        }
        const kept = samples.filter((s) => s.minute >= 2);
        if (kept.length < 2) throw new Error(`${ui}: the board's web process was not found`);
        const perHour = slope(kept.map((s) => s.minute / 60), kept.map((s) => s.kib));
        const kibs = kept.map((s) => s.kib);
        results.push({ ui, first: kibs[0], last: kibs.at(-1), low: Math.min(...kibs), high: Math.max(...kibs), perHour });
        console.log(`${ui}: web process RSS every 30 s: ${samples.map((s) => (s.kib / 1024).toFixed(1)).join(" ")} MiB`);
      } finally {
        window?.kill();
        await server.stop();
      }
    }
  } finally {
    v.remove();
  }
  console.log(`\nthe board turning every 2 s in WebKitGTK, nothing else changing; RSS of its web process, minutes 2–${minutes}:`);
  for (const r of results) {
    console.log(`  ${r.ui}\n    ${mib(r.first)} → ${mib(r.last)} (${mib(r.low)}–${mib(r.high)}), ${mib(r.perHour)} an hour`);
  }
}

async function soak() {
  if (!process.env.DISPLAY) throw new Error("the soak opens the app's board window: set DISPLAY (Xvfb)");
  const minutes = Number(process.env.BENCH_MINUTES ?? 30);
  const people = Number(process.env.BENCH_PEOPLE ?? 1000);
  const tables = 24;
  const warmUp = Math.min(5, Math.max(0, minutes - 2));
  const release = path.join(process.env.CARGO_TARGET_DIR ?? path.join(root, "target"), "release");
  const app = process.env.SPRINTDESK_APP ?? path.join(release, "sprintdesk-app");
  if (!bin.includes(`${path.sep}release${path.sep}`)) console.log(`note: the CLI and the other device run ${bin} (SPRINTDESK_BIN)`);

  // The venue on the app's database, on the real clock (a soak is real time): a day open round the clock.
  const v = boardVenue(people, tables);
  // Who and where the other device signs in: read here, since a device paired as a kiosk answers only the
  // door's commands.
  const ids = v.cli("attendees", "list").map((a) => a.id);
  const projects = v.cli("call", "projects").map((p) => p.id);
  v.cli("call", "set_mode", JSON.stringify({ mode: "board" }));
  const port = await freePort();
  // The app loads its board afresh every 2 hours; here every BENCH_RELOAD_MINUTES (5 unless told) so a run
  // sees it happen (0: never, to measure the web process growing on its own).
  const reload = process.env.BENCH_RELOAD_MINUTES ?? "5";
  const env = {
    ...v.env,
    SPRINTDESK_LISTEN: `127.0.0.1:${port}`,
    SPRINTDESK_NO_DISCOVERY: "1",
    SPRINTDESK_BOARD_RELOAD_MINUTES: reload,
  };

  const driver = await tauriDriver(env);
  let w = null;
  let other = null;
  let signer = null;
  try {
    w = await driver.open(app);
    const pid = newest(path.basename(app));
    // The other device: joins the app's device (its peer answers the join), then syncs to it live.
    other = venue();
    delete other.env.SPRINTDESK_NOW;
    const code = v.cli("pair", "--role", "kiosk").code;
    other.cli("join", code, `127.0.0.1:${port}`, "--name", "door-kiosk");
    const door = await serve(other);
    other.server = door;
    // One sign-in a second at a table, round the tables; each person signs out 4 minutes later, so about
    // 240 people are here at any time and the board changes every second without growing for ever.
    let n = 0;
    const here = [];
    const failures = [];
    let signedIn = 0;
    let signedOut = 0;
    signer = setInterval(() => {
      const i = n++;
      const attendee = ids[i % ids.length];
      const project = projects[i % projects.length];
      door
        .call("sign_in", { attendee, project, accept_code_of_conduct: true })
        .then(() => {
          signedIn++;
          here.push({ attendee, project });
        })
        .catch((e) => failures.push(e.message));
      if (here.length > 240) {
        // As at the door: the table they signed in at is their proof.
        const { attendee: leaving, project: table } = here.shift();
        door
          .call("sign_out_at_door", { attendee: leaving, table })
          .then(() => signedOut++)
          .catch((e) => failures.push(e.message));
      }
    }, 1000);

    // Does it turn every 2 s? Read the page 24 times, 500 ms apart, once the first sign-ins are on it.
    await sleep(15000);
    const seen = [];
    for (let i = 0; i < 24; i++) {
      seen.push((await w.run(BOARD_STATE)).page);
      await sleep(500);
    }
    const turns = seen.filter((p, i) => i > 0 && p !== seen[i - 1]).length;
    console.log(`board pages over 12 s, read every 500 ms: ${seen.join(" ")} (${turns} turns)`);
    await w.screenshot("soak-board-early");
    // Loading the board afresh starts a new web process, which WebDriver takes for a crash: it ends the
    // session (the app carries on). From then the board is seen in screenshots of the X display.
    const board = async () => {
      try {
        return w ? await w.run(BOARD_STATE) : null;
      } catch {
        w = null;
        return null;
      }
    };
    const screenshot = async (name) => {
      if (w) await w.screenshot(name).catch(() => {});
      else execFileSync("import", ["-window", "root", path.join(shots, `${name}.png`)]);
    };

    const samples = [];
    const started = Date.now();
    const header = (rows) =>
      `${"min".padStart(4)}  ${rows.map((r) => `${r.name.slice(0, 15).padEnd(15)} RSS / PSS`.padEnd(30)).join("")}` +
      `${"all processes PSS".padEnd(20)}board: page/pages  here (device)  DOM nodes  IPC callbacks`;
    for (let minute = 0; minute <= minutes; minute++) {
      if (minute > 0) await sleep(started + minute * 60000 - Date.now());
      const rows = treeRss(pid);
      const shown = await board();
      // (Through the other device's own shell: its served API answers only the door's commands.)
      const deviceHere = other.cli("call", "presence").here_now;
      // The other device's `serve`: the same sprint and sign-ins in a Rust process with no window.
      const control = treeRss(door.pid)[0];
      samples.push({ minute, rows, board: shown, deviceHere, control });
      if (minute === 0) console.log(header(rows));
      const cells = rows.map((r) => `${mib(r.kib)} / ${mib(r.pss)}`.padEnd(30)).join("");
      const total = mib(rows.reduce((t, r) => t + r.pss, 0)).padEnd(20);
      const seen = shown
        ? `${`${shown.page}/${shown.pages}`.padEnd(19)}${`${shown.here} (${deviceHere})`.padEnd(15)}` +
          `${String(shown.nodes).padEnd(11)}${shown.callbacks}`
        : `${"(screenshots)".padEnd(19)}${`? (${deviceHere})`.padEnd(15)}`;
      const previous = samples.at(-2);
      const fresh = previous && rows.at(-1)?.pid !== previous.rows.at(-1)?.pid;
      console.log(`${String(minute).padStart(4)}  ${cells}${total}${seen}${fresh ? "  new web process: loaded afresh" : ""}`);
      if (minute === Math.min(2, minutes)) await screenshot("soak-board-minute-2");
      if (fresh) await screenshot(`soak-board-minute-${minute}`);
    }
    await screenshot("soak-board-late");
    clearInterval(signer);
    signer = null;

    // Growth per hour: each process (by name: a board loaded afresh has a new web process) from the warm-up on.
    const after = samples.filter((s) => s.minute >= warmUp);
    console.log(`\ngrowth per hour, least squares over minutes ${warmUp}–${minutes} (${after.length} samples):`);
    console.log(`  ${"process".padEnd(20)} ${"RSS first → last".padEnd(26)} ${"PSS first → last".padEnd(26)} RSS/h      PSS/h      anonymous/h`);
    const pids = samples[0].rows.map((r) => ({ pid: r.pid, name: r.name }));
    const pick = (s, p, key) => s.rows.find((r) => r.name === p.name)?.[key];
    const lines = [...pids, { pid: "all", name: "all processes" }];
    for (const p of lines) {
      const value = (s, key) => (p.pid === "all" ? s.rows.reduce((t, r) => t + r[key], 0) : pick(s, p, key));
      const kept = after.filter((s) => value(s, "kib") !== undefined);
      const xs = kept.map((s) => s.minute / 60);
      const perHour = (key) => slope(xs, kept.map((s) => value(s, key)));
      const range = (key) => `${mib(value(samples[0], key))} → ${mib(value(samples.at(-1), key))}`.padEnd(26);
      const rates = ["kib", "pss", "anon"].map((key) => mib(perHour(key)).padStart(10)).join(" ");
      console.log(`  ${p.name.padEnd(20)} ${range("kib")} ${range("pss")} ${rates}`);
    }
    {
      const xs = after.map((s) => s.minute / 60);
      const first = samples[0].control;
      const last = samples.at(-1).control;
      const rates = ["kib", "pss", "anon"].map((key) => mib(slope(xs, after.map((s) => s.control[key]))).padStart(10)).join(" ");
      const range = (key) => `${mib(first[key])} → ${mib(last[key])}`.padEnd(26);
      console.log(`  ${"(the other device's sprintdesk serve)".padEnd(20)}\n  ${"".padEnd(20)} ${range("kib")} ${range("pss")} ${rates}`);
    }
    const nodes = after.filter((s) => s.board).map((s) => s.board.nodes);
    if (nodes.length) console.log(`board DOM nodes from minute ${warmUp} (read while WebDriver could): ${Math.min(...nodes)}–${Math.max(...nodes)}`);
    console.log(`the other device signed in ${signedIn} and out ${signedOut}; ${failures.length} refused${failures.length ? `, e.g. ${failures[0]}` : ""}`);
    const last = samples.at(-1);
    console.log(`at the end the board said ${last.board?.here ?? "(see the screenshot)"} here; the other device held ${last.deviceHere}`);
  } finally {
    if (signer) clearInterval(signer);
    await w?.close().catch(() => {});
    driver.stop();
    other?.server?.stop();
    await sleep(1000);
    other?.remove();
    v.remove();
  }
}

/**
 * A week of sign-ins on one device: its memory and what a board read and a sign-in cost as events pile up.
 * `sprintdesk serve` on a venue of 1,000 attendees and 24 tables of 9 issues, 200 of them claimed by people
 * who stay all along (each of their claims stands until they sign out, so a board asks of every one whether
 * they have); then BENCH_EVENTS sign-ins and sign-outs (60,000; at a sign-in a second and each person out
 * again after 240 others, about 7,200 an hour), as fast as the device takes them. Every BENCH_STEP
 * events: RSS, PSS and anonymous memory of `serve`, the database's size, and the medians of 15 reads of the
 * room's board (read again and again, and each just after a sign-in) and of 15 sign-ins (each signed out
 * again).
 */
async function week() {
  const total = Number(process.env.BENCH_EVENTS ?? 60000);
  const step = Number(process.env.BENCH_STEP ?? 10000);
  const v = crowd(1000, { realTime: true });
  const urls = [];
  for (let t = 1; t <= 24; t++) {
    const repo = `https://github.com/bench/p${t}`;
    v.cli("project", "add", "--name", `Project ${t}`, "--table", `T${t}`, "--repo", repo);
    const rows = ["title,url,labels"];
    for (let k = 1; k <= 9; k++) {
      rows.push(`Issue ${k},${repo}/issues/${k},`);
      urls.push(`${repo}/issues/${k}`);
    }
    const file = path.join(v.dir, `issues-${t}.csv`);
    writeFileSync(file, rows.join("\n") + "\n");
    v.cli("import", "issues", "--project", `Project ${t}`, file);
  }
  const server = await serve(v);
  try {
    const ids = (await server.call("attendees")).map((a) => a.id);
    const projects = (await server.call("projects")).map((p) => p.id);
    // People 800-999 claim an issue each and stay; 780-799 are the measured sign-ins; 0-779 come and go.
    for (let c = 0; c < 200; c++) {
      const attendee = ids[800 + c];
      await server.call("sign_in", { attendee, project: projects[c % projects.length], accept_code_of_conduct: true });
      await server.call("claim", { issue: urls[c], attendee, mentor: null });
    }
    const median = async (n, action) => {
      const times = [];
      for (let k = 0; k < n; k++) {
        const t0 = performance.now();
        await action(k);
        times.push(performance.now() - t0);
      }
      return times.sort((a, b) => a - b)[Math.floor(n / 2)];
    };
    const started = Date.now();
    const sample = async (events) => {
      const board = await median(15, () => server.call("room_board"));
      const signIn = await median(15, async (k) => {
        await server.call("sign_in", { attendee: ids[780 + k], project: projects[0], accept_code_of_conduct: true });
        await server.call("sign_out", { attendee: ids[780 + k] });
      });
      // The board as a room sees it: read again after every sign-in (nothing it worked out still holds).
      const fresh = [];
      for (let k = 0; k < 15; k++) {
        await server.call("sign_in", { attendee: ids[780 + k], project: projects[0], accept_code_of_conduct: true });
        const t0 = performance.now();
        await server.call("room_board");
        fresh.push(performance.now() - t0);
        await server.call("sign_out", { attendee: ids[780 + k] });
      }
      const boardAfterWrite = fresh.sort((a, b) => a - b)[7];
      const [row] = treeRss(server.pid);
      const size = (f) => (existsSync(f) ? statSync(f).size : 0);
      const db = size(v.env.SPRINTDESK_DB) + size(`${v.env.SPRINTDESK_DB}-wal`);
      console.log(
        `${String(events).padStart(7)} events  RSS ${mib(row.kib)}  PSS ${mib(row.pss)}  anonymous ${mib(row.anon)}` +
          `  database ${(db / 1048576).toFixed(1)} MiB  board ${board.toFixed(1)} ms (after a write ${boardAfterWrite.toFixed(1)})  sign-in + sign-out ${signIn.toFixed(1)} ms` +
          `  (${Math.round((Date.now() - started) / 1000)} s)`,
      );
    };
    await sample(0);
    const here = [];
    for (let n = 1, k = 0; n <= total; n++) {
      if (here.length >= 240) await server.call("sign_out", { attendee: here.shift() });
      else {
        const attendee = ids[k % 780];
        await server.call("sign_in", { attendee, project: projects[k++ % projects.length], accept_code_of_conduct: true });
        here.push(attendee);
      }
      if (n % step === 0) await sample(n);
    }
  } finally {
    server.stop();
    v.remove();
  }
}

const which = process.argv[2];
if (which === "kiosk") await kiosk();
else if (which === "memory") await memory();
else if (which === "start") await start();
else if (which === "soak") await soak();
else if (which === "week") await week();
else if (which === "turns") await turns();
else {
  console.error("usage: node ui/e2e/bench.mjs kiosk|memory|start|soak|week|turns");
  process.exit(2);
}
