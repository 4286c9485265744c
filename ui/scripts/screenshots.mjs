// Takes screenshots of every view with headless Chromium (playwright-core), to look at them:
//
//   node scripts/screenshots.mjs --base http://127.0.0.1:7781 [--kiosk-base URL] [--start-base URL] [--out /tmp/ui-shots]
//
// --only NAME takes just the shots whose name contains NAME; --full takes whole pages, not the viewport.
// --base serves a device in organizer mode; --kiosk-base (optional) one locked as a kiosk; --start-base
// (optional) one with no sprint yet. Each is a `sprintdesk serve --http …`.
import { chromium } from "../e2e/support.mjs";
import { mkdirSync } from "node:fs";
import { join } from "node:path";

const argv = process.argv.slice(2);
const option = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] ? argv[i + 1] : fallback;
};
const base = option("base", "http://127.0.0.1:7781");
const kioskBase = option("kiosk-base", null);
const startBase = option("start-base", null);
const out = option("out", "/tmp/ui-shots");
const only = option("only", null);
const full = argv.includes("--full");
mkdirSync(out, { recursive: true });

// The same Chromium, flags and fresh profile as the end-to-end tests.
const browser = await chromium();
const context = browser.context;
const page = context.pages()[0] ?? (await context.newPage());
const problems = [];
page.on("console", (m) => {
  if (m.type() === "error" || m.type() === "warning") problems.push(`${m.type()}: ${m.text()}`);
});
page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));

async function shot(name, fn, size = { width: 1280, height: 800 }) {
  if (only && !name.includes(only)) return;
  await page.setViewportSize(size);
  try {
    await fn();
    await page.waitForTimeout(350);
    await page.screenshot({ path: join(out, `${name}.png`), fullPage: full });
    console.log(`ok   ${name}`);
  } catch (e) {
    console.log(`FAIL ${name}: ${e.message.split("\n")[0]}`);
    await page.screenshot({ path: join(out, `${name}-FAILED.png`) }).catch(() => {});
  }
}

async function go(url) {
  // A new page load each time: going to the same URL with another hash would keep the old state.
  await page.goto("about:blank");
  await page.goto(url, { waitUntil: "load" });
  await page.waitForLoadState("networkidle").catch(() => {});
}

const tid = (id) => page.getByTestId(id);

// --- Organizer -----------------------------------------------------------------------------------------
for (const p of ["today", "attendees", "projects", "devices", "review", "settings"]) {
  await shot(`organizer-${p}`, async () => {
    await go(`${base}/#/organizer${p === "today" ? "" : `/${p}`}`);
    await tid(`nav-${p}`).waitFor();
    await page.waitForTimeout(300);
  });
}
await shot("organizer-devices-pair", async () => {
  await go(`${base}/#/organizer/devices`);
  await page.getByRole("button", { name: "Pair a new device" }).click();
  await page.getByText("Join code").waitFor();
});
await shot("organizer-attendees-import-rejected", async () => {
  await go(`${base}/#/organizer/attendees`);
  await page.getByRole("button", { name: "Import CSV" }).click();
  await page.locator("#import-text").fill("name,email\nAna Lima,ana@example.org\n,bo@example.org\nCy Dee,not-an-email\n");
  await page.getByRole("button", { name: "Import", exact: true }).click();
  await page.getByText("What to fix").waitFor();
});
await shot("organizer-mode-switch", async () => {
  await go(`${base}/#/organizer`);
  await page.getByRole("button", { name: "Switch this device…" }).click();
  await page.getByLabel(/Kiosk/).check();
});

// --- Table lead ----------------------------------------------------------------------------------------
await shot("lead-pick", async () => {
  await go(`${base}/#/lead`);
  await page.getByText("Which table do you lead?").waitFor();
});
await shot("lead", async () => {
  await go(`${base}/#/lead`);
  await page.getByRole("button", { name: /CPython/ }).first().click();
  await tid("lead-issue").first().waitFor();
});
await shot("lead-claim", async () => {
  await go(`${base}/#/lead`);
  await tid("lead-issue").first().waitFor();
  await page.getByRole("button", { name: "Free" }).click();
  await tid("lead-claim").first().click();
  const who = tid("lead-claim-who").first();
  const firstTimer = await who.locator("option", { hasText: "first-timer" }).first().getAttribute("value").catch(() => null);
  const any = await who.locator("option:not([disabled])").first().getAttribute("value");
  await who.selectOption(firstTimer ?? any);
  await page.waitForTimeout(200);
  await page.getByRole("button", { name: "Claim", exact: true }).click();
  await page.waitForTimeout(300);
});
// Back to organizer for the rest.
await fetch(`${base}/api/set_mode`, {
  method: "POST",
  headers: { "Content-Type": "application/json" },
  body: JSON.stringify({ mode: "organizer", project: null, pin: null }),
});

// --- Board ---------------------------------------------------------------------------------------------
await shot("board", async () => {
  await go(`${base}/#/board`);
  await tid("board-project").first().waitFor();
  await page.waitForTimeout(800);
});
await shot("board-portrait", async () => {
  await go(`${base}/#/board`);
  await tid("board-project").first().waitFor();
  await page.waitForTimeout(800);
}, { width: 1080, height: 1920 });

// --- Kiosk ---------------------------------------------------------------------------------------------
const kiosk = kioskBase ?? base;
for (const [suffix, size] of [["", { width: 1280, height: 800 }], ["-portrait", { width: 1080, height: 1920 }]]) {
  await shot(`kiosk-empty${suffix}`, async () => {
    await go(`${kiosk}/#/kiosk`);
    await tid("kiosk-search").waitFor();
  }, size);
  await shot(`kiosk-results${suffix}`, async () => {
    await go(`${kiosk}/#/kiosk`);
    await tid("kiosk-search").fill("lu");
    await tid("kiosk-result").first().waitFor();
  }, size);
  await shot(`kiosk-coc${suffix}`, async () => {
    await go(`${kiosk}/#/kiosk`);
    // Someone who never accepted the code of conduct (one per run: an undo keeps the acceptance).
    await tid("kiosk-search").pressSequentially(suffix ? "hamid desh" : "lukasz desh");
    await tid("kiosk-result").first().waitFor();
    await page.keyboard.press("Enter");
    await tid("coc-accept").waitFor({ timeout: 3000 });
  }, size);
  await shot(`kiosk-photo${suffix}`, async () => {
    await tid("coc-accept").click();
    await tid("photo-yes").waitFor({ timeout: 3000 });
  }, size);
  await shot(`kiosk-table${suffix}`, async () => {
    await tid("photo-no").click();
    await tid("table-choice").first().waitFor({ timeout: 3000 });
  }, size);
  await shot(`kiosk-success${suffix}`, async () => {
    await tid("table-choice").nth(1).click();
    await tid("kiosk-success").waitFor();
    await page.waitForTimeout(1200);
  }, size);
  await shot(`kiosk-undone${suffix}`, async () => {
    await tid("kiosk-undo").click();
    await page.getByText("Undone").first().waitFor();
  }, size);
  await shot(`kiosk-here${suffix}`, async () => {
    await go(`${kiosk}/#/kiosk`);
    await tid("kiosk-search").fill("lukasz n");
    await tid("kiosk-result").first().waitFor();
    await page.keyboard.press("Enter");
    await tid("kiosk-signout").waitFor();
  }, size);
  await shot(`kiosk-error${suffix}`, async () => {
    await go(`${kiosk}/#/kiosk`);
    await tid("kiosk-search").pressSequentially("ZZ-99999", { delay: 5 });
    await page.keyboard.press("Enter");
    await tid("kiosk-error").waitFor();
  }, size);
  await shot(`kiosk-walkin${suffix}`, async () => {
    await go(`${kiosk}/#/kiosk`);
    await page.getByRole("button", { name: "I’m not on the list" }).click();
    await page.locator("#walkin-name").waitFor();
  }, size);
}
if (kioskBase) {
  await shot("kiosk-staff", async () => {
    await go(`${kioskBase}/#/organizer`);
    await tid("kiosk-search").waitFor();
    await page.getByRole("button", { name: "Staff" }).click();
    await page.locator("#staff-pin").fill("12");
    await page.getByRole("button", { name: "Unlock" }).click();
  });
}

// --- First start ---------------------------------------------------------------------------------------
if (startBase) {
  await shot("start", async () => {
    await go(`${startBase}/`);
    await page.getByText("Create a new sprint").first().waitFor();
  });
  await shot("start-create", async () => {
    await page.getByRole("button", { name: "Create a new sprint" }).click();
    await page.locator("#sprint-name").waitFor();
  });
  await shot("start-join-error", async () => {
    await go(`${startBase}/`);
    await page.getByRole("button", { name: "Join a venue" }).click();
    await page.locator("#join-code").fill("7kq2m xw4pa");
    await page.locator("#join-address").fill("192.168.1.20:7733");
    await page.getByRole("button", { name: "Join", exact: true }).click();
    await page.getByRole("alert").first().waitFor();
  });
}

await browser.close();
if (problems.length > 0) {
  console.log("\nConsole problems:");
  for (const p of [...new Set(problems)]) console.log(`  ${p}`);
}
