// Builds scripts/fixtures/demo.json, the data the fake API (fake-api.mjs) starts from, out of the real
// demo sprint: `node scripts/make-fixture.mjs [path/to/sprintdesk]`. Run it again when the views change.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const bin = resolve(process.argv[2] ?? join(here, "../../target/debug/sprintdesk"));
const dir = mkdtempSync(join(tmpdir(), "sprintdesk-fixture-"));
const db = join(dir, "s.db");
const env = { ...process.env, SPRINTDESK_STATE_DIR: dir };

function run(...args) {
  return execFileSync(bin, ["--db", db, ...args], { env, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
}
const json = (...args) => JSON.parse(run(...args, "--json"));

try {
  run("demo");
  const sprint = json("sprint");
  const attendees = json("attendees", "list");
  const board = json("board");
  const issues = {};
  for (const p of board.projects) issues[p.project.id] = json("issues", "list", "--project", p.project.id);
  writeFileSync(join(here, "fixtures/demo.json"), JSON.stringify({ sprint, attendees, board, issues }) + "\n");
  console.log(`fixtures/demo.json: ${attendees.length} attendees, ${board.projects.length} projects`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
