// End-to-end in Debian's Chromium: a fresh device joins a venue large enough to take a few seconds (thousands
// of attendees imported from a plain CSV, as an organizer would), and its first-start screen shows the records
// arriving, as a bar and as "Receiving the venue’s records: N of TOTAL (P%)", until the join ends. The screen
// stays up meanwhile though the venue's sprint arrives with the first records. Screenshot, mid-join:
// docs/screenshots/tmp/join-progress.png.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import tls from "node:tls";
import { browserSession, NOW, serve, shot, venue } from "./support.mjs";

/** Ten change records each: about 5 s to import and 5 s to join in a debug build on two cores. */
const PEOPLE = 6_000;

const session = browserSession(() => {
  const v = venue();
  v.cli("init", "--name", "Big sprint", "--start", NOW.slice(0, 10), "--days", "3", "--tz", "UTC");
  const rows = ["name,email,handle"];
  for (let i = 0; i < PEOPLE; i++) rows.push(`Person Number ${i},person${i}@example.org,p${i}`);
  const file = path.join(v.dir, "people.csv");
  writeFileSync(file, rows.join("\n") + "\n");
  v.cli("import", "attendees", file);
  return v;
});
before(session.open);
after(session.close);

/** Opens a fresh device's first-start screen at `url` and fills in the join form, not sent yet. */
async function fillJoin(p, url, code, address) {
  await p.goto(`${url}/`);
  await p.getByRole("button", { name: "Join a venue" }).click();
  await p.getByLabel("Join code").fill(code);
  await p.getByLabel("Organizer's address").fill(address);
  await p.getByLabel(/Device name/).fill("Door kiosk");
}

const PROGRESS = /^Receiving the venue’s records: ([\d,]+) of ([\d,]+) \((\d+)%\)$/;

test("joining a large venue: the bar and the words follow the records as they arrive", { timeout: 120_000 }, async (t) => {
  const { v, server } = session;
  const code = v.cli("pair", "--role", "kiosk").code;
  const empty = venue();
  const fresh = await serve(empty);
  try {
    const p = await session.page();
    await fillJoin(p, fresh.url, code, server.listening);

    // Everything the joining screen shows, as it changes: its words and its bar.
    await p.evaluate(() => {
      const seen = (window.joinSeen = []);
      new MutationObserver(() => {
        const shown = document.querySelector("[data-testid=join-progress]");
        if (!shown) return;
        const bar = shown.querySelector("progress");
        const now = { text: shown.innerText.trim(), value: bar.value, max: bar.max };
        const last = seen.at(-1);
        if (!last || last.text !== now.text || last.value !== now.value || last.max !== now.max) seen.push(now);
      }).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
    });
    await p.getByRole("button", { name: "Join", exact: true }).click();

    // A screenshot a quarter of the way in or more, not all: unless the join is over (the screen gone) first.
    const midJoin = await p.waitForFunction(
      (pattern) => {
        const shown = document.querySelector("[data-testid=join-progress]");
        if (!shown) return window.joinSeen.length > 0 ? "over" : false;
        const m = new RegExp(pattern).exec(shown.innerText.trim());
        const [n, total] = m ? [m[1], m[2]].map((x) => Number(x.replaceAll(",", ""))) : [0, 0];
        if (n * 4 < total || n >= total) return false;
        // On the screen as it opened (1280×800), not below it.
        return shown.getBoundingClientRect().bottom <= innerHeight ? "mid" : "mid, out of sight";
      },
      PROGRESS.source,
      { polling: "raf", timeout: 60_000 },
    );
    const moment = await midJoin.jsonValue();
    if (moment !== "over") {
      await shot(p, "join-progress");
      assert.equal(moment, "mid", "the records arriving show where the person looks");
    }

    await p.getByText("Joined Big sprint as the kiosk.").waitFor({ timeout: 60_000 });
    const seen = await p.evaluate(() => window.joinSeen);
    const figures = seen
      .map(({ text, value, max }) => ({ match: PROGRESS.exec(text), value, max, text }))
      .filter(({ match }) => match)
      .map(({ match, value, max, text }) => {
        const [n, total, percent] = match.slice(1).map((x) => Number(x.replaceAll(",", "")));
        return { n, total, percent, value, max, text };
      });
    const shown = seen.map((s) => s.text).join(" | ");
    assert.equal(seen[0]?.text, "Connecting to the organizer’s device…", `it says it is connecting first: ${shown}`);
    const mid = figures.filter(({ n, total }) => n > 0 && n < total);
    assert.ok(mid.length > 0, `the screen showed records arriving, some of all: ${shown}`);
    t.diagnostic(`${mid.length} figures shown mid-join: ${mid.map((f) => `${f.percent}%`).join(" ")}`);
    for (const { n, total, percent, value, max, text } of figures) {
      assert.equal(percent, Math.floor((n * 100) / total), text);
      assert.deepEqual([value, max], [n, total], `the bar agrees with the words: ${text}`);
    }
    assert.ok(figures.every((f, i) => i === 0 || f.n >= figures[i - 1].n), `never backwards: ${shown}`);

    // All of it arrived: what this device got is the total the screen counted towards.
    const after = await fresh.call("sync_progress");
    assert.equal(after.running, false);
    assert.ok(after.received >= PEOPLE * 10, `${after.received} records`);
    assert.equal(mid[0].total, after.received, "the total was all there was to get");
    assert.equal((await fresh.call("setup")).role, "kiosk", "it is what the code made it");
    // It opens on no organizer's screen (it holds every badge code): it says what it was paired as and
    // asks for the PIN that locks it to the door.
    const paired = p.getByTestId("kiosk-device");
    await paired.waitFor();
    await shot(p, "join-paired-as-kiosk");
    await paired.getByLabel("Choose an organizer PIN").fill("4826");
    await paired.getByLabel("Type the PIN again").fill("4826");
    await paired.getByRole("button", { name: "Set the PIN and open the door" }).click();
    await p.getByTestId("kiosk-search").waitFor();
    assert.equal((await fresh.call("setup")).mode, "kiosk", "locked as the kiosk");
    assert.equal(await paired.count(), 0);
    await p.close();
  } finally {
    fresh.stop();
    empty.remove();
  }
});

test("a join cut off part way says so, keeps what arrived, and joining again fetches the rest", { timeout: 120_000 }, async () => {
  const { v } = session;
  const code = v.cli("pair", "--role", "kiosk").code;
  const empty = venue();
  const fresh = await serve(empty);
  try {
    const p = await session.page();
    await fillJoin(p, fresh.url, code, session.server.listening);
    await p.getByRole("button", { name: "Join", exact: true }).click();
    // Records are arriving when the organizer's computer goes away (its Wi-Fi drops, its lid closes).
    await p.waitForFunction(
      () => /records: [1-9]/.test(document.querySelector("[data-testid=join-progress]")?.innerText ?? ""),
      null,
      { polling: "raf", timeout: 60_000 },
    );
    session.server.stop();
    await p.getByTestId("join-cut-off").waitFor({ timeout: 60_000 });
    await p.getByRole("alert").filter({ hasText: "Could not join" }).waitFor();
    await shot(p, "join-cut-off");
    const held = empty.cli("attendees", "list").length;
    assert.ok(held > 0 && held < PEOPLE, `part of the venue arrived and is kept: ${held} of ${PEOPLE}`);
    assert.equal((await fresh.call("setup")).join_unfinished, true);
    assert.ok(await p.getByRole("button", { name: "Create a new sprint" }).isDisabled(), "it belongs to a venue now");

    // The organizer's computer is back (at another address); with a new code, the join finishes.
    session.server = await serve(v);
    const again = v.cli("pair", "--role", "kiosk").code;
    await p.getByLabel("Join code").fill(again);
    await p.getByLabel("Organizer's address").fill(session.server.listening);
    await p.getByRole("button", { name: "Join", exact: true }).click();
    await p.getByText("Joined Big sprint as the kiosk.").waitFor({ timeout: 60_000 });
    assert.equal(empty.cli("attendees", "list").length, PEOPLE);
    const setup = await fresh.call("setup");
    assert.deepEqual([setup.join_unfinished, setup.role], [false, "kiosk"]);
    await p.getByTestId("join-cut-off").waitFor({ state: "detached" });
    await p.close();
  } finally {
    fresh.stop();
    empty.remove();
  }
});

/**
 * An organizer's device that runs a newer Sprintdesk: TLS with a certificate of its own (a joining device
 * takes any, and checks the code's proof instead), then, to the first frame, a frame of the next protocol
 * version. Returns its address and what it read.
 */
async function newerOrganizer(dir) {
  const key = path.join(dir, "newer.key");
  const cert = path.join(dir, "newer.crt");
  execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
    "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=sprintdesk"], { stdio: "ignore" });
  const read = [];
  const server = tls.createServer({ key: readFileSync(key), cert: readFileSync(cert), minVersion: "TLSv1.3" }, (socket) => {
    let bytes = Buffer.alloc(0);
    socket.on("data", (chunk) => {
      bytes = Buffer.concat([bytes, chunk]);
      if (bytes.length < 4 || bytes.length < 4 + bytes.readUInt32BE(0)) return;
      read.push(bytes.subarray(4, 4 + bytes.readUInt32BE(0)));
      bytes = bytes.subarray(4 + bytes.readUInt32BE(0));
      if (read.length === 1) {
        const version = read[0][0] + 1;
        const body = Buffer.concat([Buffer.from([version, 0]), Buffer.from('{"type":"bye"}')]);
        const length = Buffer.alloc(4);
        length.writeUInt32BE(body.length);
        socket.write(Buffer.concat([length, body]));
      }
    });
    socket.on("error", () => {});
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { address: `127.0.0.1:${server.address().port}`, read, close: () => server.close() };
}

test("joining an organizer that runs a newer Sprintdesk says which to update", { timeout: 60_000 }, async () => {
  const empty = venue();
  const fresh = await serve(empty);
  const newer = await newerOrganizer(empty.dir);
  try {
    const p = await session.page();
    await fillJoin(p, fresh.url, "7KQ2M-XW4PA", newer.address);
    await p.getByRole("button", { name: "Join", exact: true }).click();
    const notice = p.getByRole("alert").filter({ hasText: "Another version of Sprintdesk" });
    await notice.waitFor({ timeout: 30_000 });
    const words = (await notice.innerText()).replace(/\s+/g, " ");
    assert.match(words, /The other device runs a newer Sprintdesk \(protocol version \d+; this one speaks \d+\): update this one\./);
    await shot(p, "join-other-version");
    assert.equal(newer.read.length >= 1 && newer.read[0].length > 2, true, "the joining device said its join first");
    assert.equal((await fresh.call("setup")).sprint, null, "nothing joined");
    await p.close();
  } finally {
    newer.close();
    fresh.stop();
    empty.remove();
  }
});

