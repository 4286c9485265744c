// After the sprint, in Debian's Chromium against `sprintdesk serve`: on the sprint's last day an attendee
// signs out at the kiosk and answers the retrospective (another skips), a table lead's laptop hands the
// retrospective round, the organizer imports pull requests through the Report page, saves the report and an
// export, and the HTML report opens on its own, at 1280×800 and printed to PDF (rendered with pdftoppm).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { NOW, browserSession, root, shot, shots, venue } from "./support.mjs";

let v;
let server;
const today = NOW.slice(0, 10);
const start = new Date(Date.parse(`${today}T00:00:00Z`) - 2 * 86_400_000).toISOString().slice(0, 10);

const session = browserSession(() => {
  const v = venue();
  // A three-day sprint whose last day is today.
  v.cli("init", "--name", "Harbour Sprint 2026", "--start", start, "--days", "3", "--tz", "UTC", "--opens", "00:00", "--closes", "23:59");
  v.cli("import", "attendees", path.join(root, "tests/fixtures/plain-attendees.csv"));
  v.cli("project", "add", "--name", "CPython", "--repo", "https://github.com/python/cpython", "--table", "T1", "--lead", "@willingc");
  v.cli("import", "issues", path.join(root, "tests/fixtures/gh-issues-cpython.json"));
  for (const who of ["@willingc", "@mariatta", "@kmensah", "Priya Raghunathan"]) {
    v.cli("signin", who, "--project", "T1", "--accept-coc");
  }
  v.cli("claim", "#141020", "--by", "@kmensah", "--mentor", "@mariatta");
  return v;
});
before(async () => {
  await session.open();
  ({ v, server } = session);
});
after(session.close);
const page = session.page;

async function signOutAtKiosk(p, query, name) {
  await p.goto(`${server.url}/#/kiosk`);
  await p.getByTestId("kiosk-search").fill(query);
  await p.getByTestId("kiosk-result").filter({ hasText: name }).click();
  await p.getByTestId("kiosk-signout").click();
  // Found by name: the door asks which table they are at (everyone here sits at CPython, T1).
  await p.getByTestId("kiosk-which-table").getByTestId("table-choice").filter({ hasText: "CPython" }).click();
  await p.getByTestId("kiosk-retro").waitFor();
}

test("kiosk: signing out on the last day asks the retrospective; one tap skips", async () => {
  const p = await page();
  await signOutAtKiosk(p, "kwame", "Kwame Mensah");
  assert.match(await p.getByTestId("kiosk-retro").innerText(), /Goodbye, Kwame Mensah!\s+Before you go, a few questions about the sprint/);
  // At the door's 1280×800, the undo and the form's buttons are on the screen without scrolling.
  for (const id of ["kiosk-undo", "retro-send", "retro-skip"]) {
    const box = await p.getByTestId(id).boundingBox();
    assert.ok(box && box.y + box.height <= 800, `${id} is on the screen: ${JSON.stringify(box)}`);
  }
  await p.getByTestId("retro-rating-4").click();
  await p.getByLabel("What went well?").fill("Mariatta's mentoring");
  await shot(p, "kiosk-retro");
  await p.getByTestId("retro-send").click();
  await p.getByText("Thank you for your answers").waitFor();
  await shot(p, "kiosk-retro-thanks");

  await signOutAtKiosk(p, "priya", "Priya Raghunathan");
  await p.getByTestId("retro-skip").click();
  await p.getByText("Thanks for sprinting with us.").waitFor();

  const report = await server.call("sprint_report");
  assert.equal(report.retrospective[0].answers, 1, "the skip recorded nothing");
  assert.deepEqual(report.retrospective[0].ratings, [0, 0, 0, 1, 0]);
  assert.deepEqual(report.retrospective[1].texts, ["Mariatta's mentoring"]);
  const whole = JSON.parse((await server.call("export", { kind: "sprint" })).text);
  assert.doesNotMatch(JSON.stringify(whole.retrospective_answers), /kmensah|Kwame|a-/, "answers name no one");
  await p.close();
});

test("staff device: the retrospective handed round, person after person", async () => {
  const p = await page(1024, 768);
  await p.goto(`${server.url}/#/retro`);
  await p.getByTestId("retro-rating-5").click();
  await p.getByLabel("What should we change next time?").fill("More power sockets");
  await p.getByTestId("retro-send").click();
  await p.getByTestId("retro-thanks").waitFor();
  await shot(p, "retro-staff-thanks");
  await p.getByRole("button", { name: "Next person" }).click();
  await p.getByTestId("retro-form").waitFor();
  assert.equal(await p.getByTestId("retro-rating-5").getAttribute("aria-checked"), "false", "a fresh form for the next person");
  const report = await server.call("sprint_report");
  assert.equal(report.retrospective[0].answers, 2);
  await p.close();
});

test("organizer: pull requests imported on the Report page, the report saved and printed, an export", async () => {
  const pulls = path.join(v.dir, "prs.json");
  writeFileSync(
    pulls,
    JSON.stringify([
      {
        author: { login: "kmensah" },
        body: "Fixes #141020",
        closedAt: `${today}T10:00:00Z`,
        createdAt: `${start}T15:00:00Z`,
        labels: [],
        mergedAt: `${today}T10:00:00Z`,
        number: 141600,
        state: "MERGED",
        title: "gh-141020: Clarify str.splitlines() with a trailing newline",
        url: "https://github.com/python/cpython/pull/141600",
      },
      {
        author: { login: "vstinner" },
        body: "",
        closedAt: null,
        createdAt: `${start}T09:00:00Z`,
        labels: [],
        mergedAt: null,
        number: 141610,
        state: "OPEN",
        title: "Speed up the tokenizer",
        url: "https://github.com/python/cpython/pull/141610",
      },
    ]),
  );
  const p = await page();
  await p.goto(`${server.url}/#/organizer/report`);
  const frame = p.frameLocator("[data-testid=report-frame]");
  await frame.getByRole("heading", { name: "Harbour Sprint 2026" }).waitFor();
  await p.getByRole("button", { name: "Import pull requests" }).click();
  const dialog = p.getByRole("dialog");
  await dialog.locator("#import-file").setInputFiles(pulls);
  await dialog.getByText("Read prs.json.").waitFor();
  await dialog.getByRole("button", { name: "Import" }).click();
  await dialog.getByText("Imported (gh pr list JSON)").waitFor();
  assert.match(await dialog.getByRole("status").innerText(), /2 added, 0 updated, 0 unchanged\.\s+1\s+claimed issue moved/);
  await shot(p, "organizer-import-prs");
  await dialog.getByRole("button", { name: "Close", exact: true }).last().click();

  // The report follows: Kwame's first merged pull request, the retrospective's answers.
  await frame.getByText("first merged pull request").waitFor();
  const shown = await frame.locator("body").innerText();
  assert.match(shown, /Kwame Mensah: first merged pull request #141600/);
  assert.match(shown, /Average 4\.5 of 5/);
  assert.match(shown, /More power sockets/);
  assert.match(shown, /4\s*people took part/);
  await shot(p, "report-page");
  // A window made narrower: the frame grows with its report, whose last lines stay on the page.
  const cutOff = () =>
    p.getByTestId("report-frame").evaluate((el) => el.contentDocument.body.scrollHeight - el.clientHeight);
  assert.ok((await cutOff()) <= 0, `the report fits its frame (${await cutOff()} px below)`);
  const wide = p.viewportSize();
  await p.setViewportSize({ width: 800, height: wide.height });
  await p.waitForFunction(
    () => {
      const el = document.querySelector("[data-testid=report-frame]");
      return el.contentDocument.body.scrollHeight <= el.clientHeight;
    },
    null,
    { timeout: 5000 },
  );
  await frame.getByText("More power sockets").scrollIntoViewIfNeeded();
  await shot(p, "report-page-narrow");
  await p.setViewportSize(wide);
  await p.getByTestId("report-frame").evaluate((el) => el.scrollIntoView());
  await p.mouse.wheel(0, 900);
  await shot(p, "report-page-projects");

  // Saved as the browser saves downloads.
  const [markdown] = await Promise.all([p.waitForEvent("download"), p.getByTestId("report-save-md").click()]);
  assert.equal(markdown.suggestedFilename(), "harbour-sprint-2026-report.md");
  const md = readFileSync(await markdown.path(), "utf8");
  assert.match(md, /^# Harbour Sprint 2026\n/);
  assert.match(md, /\[#141600 gh-141020: Clarify str\.splitlines\(\) with a trailing newline by Kwame Mensah \(merged\)\]/);
  // Each export's button is named for it, not only "Save".
  const saveAttendance = p.getByRole("button", { name: "Save Attendance" });
  const [attendance] = await Promise.all([p.waitForEvent("download"), saveAttendance.click()]);
  const csv = readFileSync(await attendance.path(), "utf8");
  assert.ok(csv.startsWith("\ufeff"), "a byte-order mark first, for Excel");
  assert.equal(csv.slice(1).split("\r\n")[0], "name,attendee_id,day,signed_in,signed_out,tables,hours");
  assert.equal(csv.trim().split("\r\n").length, 1 + 4, "four people came today");
  await p.close();
});

test("the HTML report on its own: readable at 1280×800, and tidy printed to PDF", async () => {
  const file = path.join(v.dir, "report.html");
  writeFileSync(file, (await server.call("report", { format: "html" })).text);
  const p = await page();
  const fetched = [];
  p.on("request", (request) => {
    if (!request.url().startsWith("file:")) fetched.push(request.url());
  });
  await p.goto(`file://${file}`);
  await p.getByRole("heading", { name: "Harbour Sprint 2026" }).waitFor();
  assert.deepEqual(fetched, [], "one self-contained file: nothing fetched");
  assert.equal(await p.locator("svg[role=img]").count() >= 2, true, "charts drawn inline");
  await shot(p, "report-html");
  const pdf = path.join(v.dir, "report.pdf");
  await p.pdf({ path: pdf, format: "A4", printBackground: true });
  const out = path.join(shots, "report-pdf");
  execFileSync("pdftoppm", ["-png", "-r", "60", "-f", "1", "-l", "2", pdf, out]);
  assert.ok(existsSync(`${out}-1.png`), "the first page rendered");
  const pages = Number(/Pages:\s+(\d+)/.exec(execFileSync("pdfinfo", [pdf], { encoding: "utf8" }))[1]);
  assert.ok(pages >= 1 && pages <= 4, `${pages} pages`);
  await p.close();
});

test("kiosk: the retrospective waits while someone is still typing, and leaves two minutes after their last key", async () => {
  // The form used to go back to the search 120 s after the sign-out, whatever was being typed: a long
  // answer was lost mid-word. It now counts from the last key or tap.
  const answered = (await server.call("sprint_report")).retrospective[0].answers;
  const p = await page();
  await p.clock.install();
  await signOutAtKiosk(p, "mariatta", "Mariatta Wijaya");
  const box = p.getByLabel("What went well?");
  await box.pressSequentially("The mentoring");
  await p.clock.fastForward(100_000);
  await box.pressSequentially(" at table one");
  await p.clock.fastForward(100_000);
  // 200 s after the sign-out, 100 s after the last key: the form and its words are still there.
  assert.equal(await box.inputValue(), "The mentoring at table one");
  await p.clock.fastForward(21_000);
  await p.getByTestId("kiosk-search").waitFor();
  assert.equal(await p.getByTestId("kiosk-retro").count(), 0, "an abandoned form still goes back to the search");
  const report = await server.call("sprint_report");
  assert.equal(report.retrospective[0].answers, answered, "nothing was sent for the person who walked away");
  await p.close();
});

test("report page: rewording or removing an answered question asks first", async () => {
  // Answers are kept by question: "How was the sprint?" reworded to "How were the snacks?" once showed the
  // sprint's ratings under the snacks, without a word.
  const before = (await server.call("retro", null)).questions;
  await server.call("answer_retro", {
    replies: [
      { question: before[0].id, rating: 5, text: null },
      { question: before[2].id, rating: null, text: "Longer lunch" },
    ],
  });
  const p = await page();
  await p.goto(`${server.url}/#/organizer/report`);
  await p.getByRole("button", { name: "Change the questions" }).click();
  // The button pressed goes: focus is in the first question, not lost at the top of the page.
  await p.waitForFunction(() => document.activeElement?.getAttribute("aria-label") === "Question 1");
  await p.getByLabel("Question 1", { exact: true }).fill("How were the snacks?");
  await p.getByRole("button", { name: "Remove question 3" }).click();
  await p.getByRole("button", { name: "Save questions" }).click();
  const warning = p.getByTestId("retro-questions-warning");
  await warning.waitFor();
  const text = await warning.innerText();
  assert.match(text, /\d+ answers? to “How was the sprint\?” will show under “How were the snacks\?”/);
  assert.match(text, /removing “What should we change next time\?” takes its \d+ answers? out of the report/);
  await shot(p, "report-questions-warning");
  assert.deepEqual((await server.call("retro", null)).questions, before, "nothing saved without the yes");
  await p.getByRole("button", { name: "Cancel" }).click();
  await p.close();
});

test("organizer: a pull request file imported by mistake is taken back, with the claim it moved", async () => {
  // Another repository's pull requests, or last year's: they counted in the report and moved a claim to
  // merged, and nothing but deleting the database took them back.
  await server.call("claim", { issue: "#141033", attendee: "@willingc", mentor: null });
  const wrong = path.join(v.dir, "wrong-prs.json");
  writeFileSync(
    wrong,
    JSON.stringify([
      {
        author: { login: "someone-else" },
        body: "Fixes #141033",
        closedAt: `${today}T11:00:00Z`,
        createdAt: `${start}T11:00:00Z`,
        labels: [],
        mergedAt: `${today}T11:00:00Z`,
        number: 99001,
        state: "MERGED",
        title: "A pull request from another sprint",
        url: "https://github.com/python/cpython/pull/99001",
      },
    ]),
  );
  const issue = async () => (await server.call("issues", { project: null })).find((i) => i.number === 141033);
  const state = async () => (await issue()).state;
  const claimed = await issue();
  assert.deepEqual([claimed.state, claimed.holders.map((h) => [h.person.name, h.state.state])], ["open", [["Carol Willing", "active"]]]);
  const p = await page();
  await p.goto(`${server.url}/#/organizer/report`);
  const frame = p.frameLocator("[data-testid=report-frame]");
  await frame.getByRole("heading", { name: "Harbour Sprint 2026" }).waitFor();
  await p.getByRole("button", { name: "Import pull requests" }).click();
  const dialog = p.getByRole("dialog");
  await dialog.locator("#import-file").setInputFiles(wrong);
  await dialog.getByText("Read wrong-prs.json.").waitFor();
  await dialog.getByRole("button", { name: "Import" }).click();
  await dialog.getByTestId("import-done").waitFor();
  assert.equal(await state(), "merged");
  await dialog.getByRole("button", { name: "Undo this import" }).click();
  const confirm = dialog.getByTestId("import-undo-confirm");
  await confirm.waitFor();
  assert.match(await confirm.innerText(), /The pull requests it added are removed from every device/);
  assert.match(await confirm.innerText(), /Claims it moved to “PR open” or merged go back a step/);
  await dialog.getByRole("button", { name: "Take it back" }).click();
  const undone = dialog.getByTestId("import-undone");
  await undone.waitFor();
  assert.match(await undone.innerText(), /1 pull request removed, 0 set back as before the import of .*\. 1 claim moved back a step\./);
  assert.match(await dialog.getByTestId("import-undo-removed").innerText(), /#99001 A pull request from another sprint/);
  await shot(p, "organizer-import-prs-undone");
  assert.deepEqual(await issue(), claimed, "the claim is as it was before the import");
  const report = await server.call("sprint_report");
  assert.ok(!JSON.stringify(report).includes("99001"), "the report no longer counts it");
  // Listed as taken back when the dialog opens again; the right file's import is still there to undo.
  await dialog.getByRole("button", { name: "Close", exact: true }).last().click();
  await p.getByRole("button", { name: "Import pull requests" }).click();
  const recent = p.getByRole("dialog").getByTestId("import-recent");
  await recent.waitFor();
  const listed = await recent.innerText();
  assert.match(listed, /wrong-prs\.json \(gh pr list JSON\).*1 added, 0 updated\s*Taken back/s);
  assert.match(listed, /prs\.json \(gh pr list JSON\).*2 added, 0 updated\s*Undo…/s);
  await p.close();
});
