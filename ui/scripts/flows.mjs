// Clicks through the write paths of every screen against a FRESH demo sprint served by `sprintdesk serve`
// (it changes the data: run it once per new database): resolve a contested claim, raise the code of
// conduct's version, add, edit and merge attendees, add a project, a goal and issues, a lead's help-wanted
// flag and status, lock the device as a kiosk and unlock it with the PIN, move table, a walk-in, leave the
// board with Escape. Prints ok/FAIL per flow and saves a picture of each failure in /tmp/ui-shots/.
//
//   node scripts/flows.mjs http://127.0.0.1:7781
import { chromium } from "../e2e/support.mjs";
import { mkdirSync } from "node:fs";
const base = process.argv[2] ?? "http://127.0.0.1:7781";
mkdirSync("/tmp/ui-shots", { recursive: true });
// The same Chromium, flags and fresh profile as the end-to-end tests.
const browser = await chromium();
const ctx = browser.context;
const p = ctx.pages()[0];
const goto0 = p.goto.bind(p);
p.goto = async (url) => { await goto0("about:blank"); return goto0(url); };
const errors = [];
p.on("pageerror", (e) => errors.push(e.message));
const step = async (name, fn) => { try { await fn(); console.log("ok  ", name); } catch (e) { console.log("FAIL", name, e.message.split("\n")[0]); await p.screenshot({ path: `/tmp/ui-shots/flow-${name}.png` }); } };
const api = (c, a = null) => fetch(`${base}/api/${c}`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(a) }).then((r) => r.json());

await step("resolve", async () => {
  await p.goto(`${base}/#/organizer/review`);
  await p.getByRole("button", { name: "Keep both as a pair" }).click();
  await p.getByText("No contested claims").waitFor({ timeout: 3000 });
});
await step("settings-coc", async () => {
  await p.goto(`${base}/#/organizer/settings`);
  await p.locator("#set-coc").fill("Be kind. Be patient.");
  await p.getByText("raise its version to 2").waitFor({ timeout: 2000 });
  await p.locator("#set-coc-version").fill("2");
  await p.getByText("Everyone will be asked to accept version 2").waitFor({ timeout: 2000 });
  await p.getByRole("button", { name: "Save settings" }).click();
  await p.getByText("Settings saved.").waitFor({ timeout: 3000 });
  const s = await api("sprint");
  if (s.code_of_conduct.version !== 2) throw new Error("not saved");
});
await step("add-attendee", async () => {
  await p.goto(`${base}/#/organizer/attendees`);
  await p.getByRole("button", { name: "Add attendee" }).click();
  await p.locator("#att-name").fill("Zed Zebra");
  await p.locator("#att-badge").fill("ZZ-1");
  await p.getByRole("button", { name: "Add", exact: true }).click();
  await p.locator("#att-query").fill("zebra");
  await p.getByRole("cell", { name: "Zed Zebra", exact: true }).waitFor({ timeout: 3000 });
});
await step("edit-attendee", async () => {
  await p.getByRole("button", { name: "Edit Zed Zebra" }).click();
  await p.locator("#att-name").fill("Zed Zebrowski");
  await p.getByRole("button", { name: "Save", exact: true }).click();
  await p.getByText("Saved Zed Zebrowski.").waitFor();
  await p.locator("#att-query").fill("zebrowski");
  await p.getByRole("cell", { name: "Zed Zebrowski", exact: true }).waitFor({ timeout: 3000 });
});
await step("merge", async () => {
  await api("add_attendee", { name: "Zed Zebrowski-Dup", handle: null, email: null, roles: [], first_timer: false, badge_code: null });
  await p.goto(`${base}/#/organizer/attendees`);
  await p.getByRole("button", { name: "Merge duplicates" }).click();
  await p.locator("#merge-dup").selectOption({ label: "Zed Zebrowski-Dup" });
  await p.locator("#merge-keep").selectOption({ label: "Zed Zebrowski" });
  await p.getByRole("button", { name: "Merge", exact: true }).click();
  await p.getByText("Merged into Zed Zebrowski.").waitFor({ timeout: 3000 });
});
await step("add-project-goal", async () => {
  await p.goto(`${base}/#/organizer/projects`);
  await p.getByRole("button", { name: "Add project" }).click();
  await p.locator("#proj-name").fill("Sprintdesk");
  await p.locator("#proj-label").fill("T9");
  await p.getByRole("button", { name: "Add project" }).last().click();
  await p.getByRole("button", { name: /T9\s*Sprintdesk/ }).click();
  await p.getByPlaceholder(/A new goal/).fill("Ship the UI");
  await p.getByRole("button", { name: "Add goal" }).click();
  await p.getByText("Ship the UI").first().waitFor({ timeout: 3000 });
  await p.getByRole("group", { name: "Status of Ship the UI" }).getByRole("button", { name: "Done" }).click();
  await p.waitForFunction(() => document.querySelector('[aria-label="Status of Ship the UI"] .s-done[aria-pressed="true"]'), null, { timeout: 3000 });
});
await step("import-issues", async () => {
  await p.getByRole("button", { name: "Import issues for this project" }).click();
  await p.locator("#import-text").fill("title,url,labels\nFix it,https://example.org/1,good first issue\n");
  await p.getByRole("button", { name: "Import", exact: true }).click();
  await p.getByRole("dialog").getByText(/1 added/).waitFor({ timeout: 3000 });
  await p.getByRole("button", { name: "Close" }).last().click();
  await p.getByRole("cell", { name: /Fix it/ }).waitFor({ timeout: 3000 });
});
await step("lead-help-status", async () => {
  await p.goto(`${base}/#/lead`);
  await p.getByRole("button", { name: "T9 · Sprintdesk" }).or(p.getByRole("button", { name: "Sprintdesk · T9" })).click();
  await p.getByRole("button", { name: "Help wanted" }).click();
  await p.waitForFunction(() => document.querySelector("button.help")?.getAttribute("aria-pressed") === "true", null, { timeout: 3000 });
  await p.locator("#status-done").fill("UI landed");
  await p.getByRole("button", { name: /today’s status/ }).click();
  await p.getByText("Today’s status is saved.").waitFor({ timeout: 3000 });
  await api("set_mode", { mode: "organizer", project: null, pin: null });
});
await step("kiosk-lock-unlock", async () => {
  await p.goto(`${base}/#/organizer`);
  await p.getByRole("button", { name: "Switch this device…" }).click();
  await p.getByLabel(/Kiosk/).check();
  await p.locator("#mode-pin").fill("2468");
  await p.getByRole("button", { name: "Switch", exact: true }).click();
  await p.getByTestId("kiosk-search").waitFor({ timeout: 3000 });
  await p.evaluate(() => (location.hash = "#/organizer"));
  await p.waitForTimeout(300);
  if (!(await p.getByTestId("kiosk-search").isVisible())) throw new Error("left the kiosk by hash");
  await p.getByRole("button", { name: "Staff" }).click();
  await p.locator("#staff-pin").fill("1111");
  await p.getByRole("button", { name: "Unlock" }).click();
  await p.getByText("That is not the organizer PIN.").waitFor({ timeout: 3000 });
  await p.locator("#staff-pin").fill("2468");
  await p.getByRole("button", { name: "Unlock" }).click();
  await p.getByTestId("nav-today").waitFor({ timeout: 3000 });
});
await step("kiosk-move-table-and-escape", async () => {
  await p.goto(`${base}/#/kiosk`);
  await p.getByTestId("kiosk-search").pressSequentially("lukasz nowak");
  await p.getByTestId("kiosk-result").first().waitFor();
  await p.keyboard.press("Enter");
  await p.getByRole("button", { name: "Move table" }).click();
  if (await p.getByTestId("coc-accept").isVisible().catch(() => false)) await p.getByTestId("coc-accept").click();
  await p.getByTestId("table-choice").filter({ hasText: "Django" }).click();
  await p.getByTestId("kiosk-success").waitFor();
  const text = await p.getByTestId("kiosk-success").innerText();
  if (!/Django/.test(text)) throw new Error(text);
  await p.keyboard.press("a");
  await p.waitForTimeout(300);
  const v = await p.getByTestId("kiosk-search").inputValue();
  if (v !== "a") throw new Error(`typing went to '${v}'`);
  await p.keyboard.press("Escape");
  if ((await p.getByTestId("kiosk-search").inputValue()) !== "") throw new Error("escape did not clear");
});
await step("walk-in", async () => {
  await p.goto(`${base}/#/kiosk`);
  await p.getByRole("button", { name: "I’m not on the list" }).click();
  await p.locator("#walkin-name").fill("Wanda Walkin");
  await p.getByRole("button", { name: "Sign me in" }).click();
  await p.getByText("Please read and accept the code of conduct.").waitFor();
  await p.getByTestId("coc-accept").check();
  await p.getByTestId("photo-yes").click();
  await p.getByTestId("table-choice").filter({ hasText: "NumPy" }).click();
  await p.getByRole("button", { name: "Sign me in" }).click();
  await p.getByTestId("kiosk-success").waitFor();
});
await step("board-escape", async () => {
  await p.goto(`${base}/#/board`);
  await p.getByTestId("board-project").first().waitFor();
  await p.keyboard.press("Escape");
  await p.getByTestId("nav-today").waitFor({ timeout: 2000 });
});
if (errors.length > 0) console.log("page errors:", errors);
await browser.close();
