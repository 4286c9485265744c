// A stand-in for `sprintdesk serve` while its HTTP side is not there: serves ui/dist and answers
// `POST /api/<command>` and `GET /api/events` from an in-memory copy of the demo sprint
// (scripts/fixtures/demo.json). Rules are simplified; it is for looking at the UI and for e2e runs, not a
// second implementation of the core.
//
//   node scripts/fake-api.mjs [--port 7781] [--empty] [--mode kiosk|organizer|table_lead|board] [--closed]
//
// --empty starts with no sprint (first-start screen); --closed makes sign-ins fail with `venue_closed`.
import { createServer } from "node:http";
import { readFileSync, existsSync, statSync } from "node:fs";
import { dirname, extname, join, normalize, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const flag = (name) => argv.includes(`--${name}`);
const option = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] ? argv[i + 1] : fallback;
};
const port = Number(option("port", "7781"));
const dist = resolve(option("dist", join(here, "../dist")));
const fixture = JSON.parse(readFileSync(join(here, "fixtures/demo.json"), "utf8"));

// ---------------------------------------------------------------------------------------------------------
// State

let nextId = 1;
const newId = (prefix) => `${prefix}-fake${String(nextId++).padStart(5, "0")}`;
const clone = (v) => JSON.parse(JSON.stringify(v));

const state = {
  setup: {
    sprint: flag("empty") ? null : fixture.sprint.name,
    mode: option("mode", "organizer"),
    lead_project: null,
    pin_set: false,
    device: "d-fakedevice1",
  },
  pin: null,
  closed: flag("closed"),
  sprint: flag("empty") ? null : clone(fixture.sprint),
  attendees: clone(fixture.attendees),
  projects: clone(fixture.board.projects), // ProjectBoard, without the computed parts
  issues: clone(fixture.issues), // project id → IssueBoard[]
  presence: new Map(), // attendee id → project id | null
  seenToday: new Set(),
  undo: new Map(),
  devices: [
    { id: "d-fakedevice1", name: "Organizer laptop", role: "organizer", fingerprint: "3f9a1c22b8e07d41", paired_by: null, paired_at: null, revoked: false, this_device: true },
    { id: "d-fakekiosk01", name: "Entrance kiosk", role: "kiosk", fingerprint: "a1b2c3d4e5f60718", paired_by: "Organizer laptop", paired_at: Date.now() - 3 * 3600_000, revoked: false, this_device: false },
    { id: "d-fakeboard01", name: "Projector", role: "board", fingerprint: "9c8b7a6f5e4d3c2b", paired_by: "Organizer laptop", paired_at: Date.now() - 2 * 3600_000, revoked: false, this_device: false },
    { id: "d-fakeold0001", name: "Old tablet", role: "kiosk", fingerprint: "0011223344556677", paired_by: "Organizer laptop", paired_at: Date.now() - 30 * 3600_000, revoked: true, this_device: false },
  ],
  review: [
    { kind: "goal", id: "g-fakereview1", label: "Port the docs to Sphinx 8", deleted_by: "Organizer laptop", deleted_at: Date.now() - 3600_000, edited_by: "Table laptop T4", edited_at: Date.now() - 3000_000 },
  ],
  deletedReview: new Map(),
};
if (option("mode", "organizer") === "table_lead") state.setup.lead_project = state.projects[0]?.project.id ?? null;

for (const p of state.projects) {
  for (const person of p.present) {
    state.presence.set(person.id, p.project.id);
    state.seenToday.add(person.id);
  }
  delete p.present;
  delete p.claims;
  delete p.open_issues;
  delete p.beginner_issues;
}
// Some people here without a table, and some who came and left.
for (const a of state.attendees.slice(0, 60)) {
  if (!state.presence.has(a.id) && state.seenToday.size < 99) {
    state.seenToday.add(a.id);
    if (state.presence.size < fixture.board.here_now) state.presence.set(a.id, null);
  }
}
// One contested claim, for the Review page: two people took the same issue on two devices.
{
  const first = state.projects[0];
  const list = state.issues[first.project.id] ?? [];
  const free = list.find((i) => i.state === "open" && i.holders.length === 0);
  const here = [...state.presence].filter(([, p]) => p === first.project.id).map(([id]) => person(id));
  if (free && here.length >= 2) {
    free.contested = true;
    free.holders = [
      { person: here[0], mentor: null, state: { state: "active" } },
      { person: here[1], mentor: null, state: { state: "active" } },
    ];
  }
}

function person(id) {
  const a = state.attendees.find((x) => x.id === id);
  return { id, name: a?.name ?? id };
}
function projectRef(id) {
  const p = state.projects.find((x) => x.project.id === id);
  return p ? clone(p.project) : null;
}
function findProject(key) {
  if (!key) return null;
  const k = String(key).toLowerCase();
  return (
    state.projects.find(
      (p) => p.project.id === key || p.project.name.toLowerCase() === k || (p.project.table_label ?? "").toLowerCase() === k,
    ) ?? null
  );
}

// ---------------------------------------------------------------------------------------------------------
// Errors and helpers

class ApiError extends Error {
  constructor(code, message, rows) {
    super(message);
    this.body = rows ? { code, message, rows } : { code, message };
    this.status = code === "not_found" ? 404 : code === "unknown_command" ? 404 : 400;
  }
}
const fail = (code, message, rows) => {
  throw new ApiError(code, message, rows);
};

const special = { ł: "l", đ: "d", ø: "o", æ: "ae", œ: "oe", ß: "ss", ı: "i" };
const fold = (t) =>
  t
    .toLowerCase()
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[łđøæœßı]/g, (c) => special[c] ?? c);

function card(a) {
  const table = state.presence.has(a.id) ? state.presence.get(a.id) : undefined;
  return {
    id: a.id,
    name: a.name,
    handle: a.handle,
    first_timer: a.first_timer,
    here_now: table !== undefined,
    table: table ? projectRef(table) : null,
    needs_code_of_conduct: (a.coc_version ?? 0) < state.sprint.code_of_conduct.version,
    asks_photo_consent: a.photo_consent === null,
  };
}
function attendee(id) {
  const a = state.attendees.find((x) => x.id === id && x.merged_into === null);
  if (!a) fail("not_found", `no attendee has the id ${id}`);
  return a;
}
function needSprint() {
  if (!state.sprint) fail("no_sprint", "no sprint is set up yet");
}
function token(undo) {
  const t = newId("u");
  state.undo.set(t, { at: Date.now(), undo });
  return t;
}

function allIssues() {
  return Object.values(state.issues).flat();
}
function issueById(id) {
  const issue = allIssues().find((i) => i.id === id);
  if (!issue) fail("not_found", `no issue has the id ${id}`);
  return issue;
}
const working = (i) => i.holders.filter((h) => h.state.state === "active" || h.state.state === "pr_open");

function boardView() {
  const projects = state.projects.map((p) => {
    const issues = state.issues[p.project.id] ?? [];
    return {
      ...clone(p),
      present: [...state.presence].filter(([, pid]) => pid === p.project.id).map(([id]) => person(id)).sort((a, b) => a.name.localeCompare(b.name)),
      claims: issues.filter((i) => i.holders.length > 0).sort((a, b) => Number(b.contested) - Number(a.contested)),
      open_issues: issues.filter((i) => i.state === "open").length,
      beginner_issues: issues.filter((i) => i.state === "open" && i.beginner_friendly).length,
    };
  });
  return {
    sprint: state.sprint.name,
    today: fixture.board.today,
    here_now: state.presence.size,
    today_count: state.seenToday.size,
    projects: projects.sort((a, b) => a.project.name.localeCompare(b.project.name)),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Commands

const commands = {
  setup: () => state.setup,
  set_mode({ mode, project, pin }) {
    if (state.setup.mode === "kiosk" && mode !== "kiosk") {
      if (!pin) fail("not_allowed", "leaving the kiosk needs the organizer PIN");
      if (pin !== state.pin) fail("not_allowed", "that is not the organizer PIN");
    }
    if (mode === "kiosk" && state.setup.mode !== "kiosk") {
      if (!pin) fail("not_allowed", "set an organizer PIN to lock this device as a kiosk");
      if (state.pin === null) {
        if (!/^\d{4,12}$/.test(pin)) fail("invalid", "the organizer PIN is 4 to 12 digits");
        state.pin = pin;
        state.setup.pin_set = true;
      } else if (pin !== state.pin) fail("not_allowed", "that is not the organizer PIN");
    }
    if (mode === "table_lead") {
      const p = findProject(project);
      if (!p) fail("not_found", `no project is called ${project ?? "that"}`);
      state.setup.lead_project = p.project.id;
    } else state.setup.lead_project = null;
    state.setup.mode = mode;
    return state.setup;
  },
  create_sprint({ name, time_zone, start, days }) {
    if (state.sprint) fail("sprint_exists", `this database already holds the sprint "${state.sprint.name}"`);
    if (!name?.trim()) fail("invalid", "the sprint needs a name");
    const list = [];
    for (let i = 0; i < days; i++) {
      const d = new Date(`${start}T00:00:00Z`);
      d.setUTCDate(d.getUTCDate() + i);
      list.push({ date: d.toISOString().slice(0, 10), is_break: false, opens: "09:00:00", closes: "18:00:00" });
    }
    state.sprint = {
      name,
      time_zone,
      days: list,
      venue: { address: "", wifi: "", food: "", house_rules: "" },
      code_of_conduct: { text: "Be kind, be welcoming, be patient.", version: 1 },
    };
    state.setup.sprint = name;
    return state.sprint;
  },
  sprint: () => (needSprint(), state.sprint),
  update_sprint(next) {
    needSprint();
    const before = state.sprint.code_of_conduct;
    if (next.code_of_conduct.text !== before.text && next.code_of_conduct.version <= before.version)
      fail("invalid", "a changed code of conduct needs a higher version");
    state.sprint = next;
    state.setup.sprint = next.name;
    return next;
  },
  search({ query, limit }) {
    needSprint();
    const words = fold(query ?? "").split(/\s+/).filter(Boolean);
    if (words.length === 0) return [];
    return state.attendees
      .filter((a) => a.merged_into === null)
      .filter((a) => {
        const parts = fold(`${a.name} ${a.handle ?? ""}`).split(/[\s\-_.]+/);
        return words.every((w) => parts.some((p) => p.startsWith(w)));
      })
      .sort((a, b) => a.name.localeCompare(b.name))
      .slice(0, Math.min(limit ?? 8, 20))
      .map(card);
  },
  find_badge({ code }) {
    needSprint();
    const a = state.attendees.find((x) => x.merged_into === null && (x.badge_code ?? "").toLowerCase() === code.trim().toLowerCase());
    if (!a) fail("not_found", `no one has the badge ${code}`);
    return card(a);
  },
  sign_in({ attendee: id, project, accept_code_of_conduct, photo_consent }) {
    needSprint();
    if (state.closed) fail("venue_closed", "the venue is closed now; it opens tomorrow at 09:00");
    const a = attendee(id);
    const c = card(a);
    if (c.needs_code_of_conduct && !accept_code_of_conduct)
      fail("consent_needed", `${a.name} has not accepted the code of conduct yet`);
    const p = project ? findProject(project) : null;
    if (project && !p) fail("not_found", `no project is called ${project}`);
    const pid = p?.project.id ?? null;
    const before = { had: state.presence.has(a.id), table: state.presence.get(a.id), seen: state.seenToday.has(a.id), coc: a.coc_version, photo: a.photo_consent };
    if (before.had && before.table === pid) {
      return { person: person(a.id), day: fixture.board.today, project: projectRef(pid), already_here: true, undo: null };
    }
    if (accept_code_of_conduct) a.coc_version = state.sprint.code_of_conduct.version;
    if (photo_consent !== null && photo_consent !== undefined) a.photo_consent = photo_consent;
    state.presence.set(a.id, pid);
    state.seenToday.add(a.id);
    const undo = token(() => {
      if (before.had) state.presence.set(a.id, before.table);
      else state.presence.delete(a.id);
      if (!before.seen) state.seenToday.delete(a.id);
      a.coc_version = before.coc;
      a.photo_consent = before.photo;
      return `took back the sign-in of ${a.name}`;
    });
    return { person: person(a.id), day: fixture.board.today, project: projectRef(pid), already_here: false, undo };
  },
  sign_out({ attendee: id }) {
    const a = attendee(id);
    if (!state.presence.has(a.id)) fail("not_signed_in", `${a.name} is not signed in`);
    const table = state.presence.get(a.id);
    state.presence.delete(a.id);
    const undo = token(() => {
      state.presence.set(a.id, table);
      return `${a.name} is signed in again`;
    });
    return { person: person(a.id), undo };
  },
  register_walk_in(w) {
    needSprint();
    if (!w.name?.trim()) fail("invalid", "the name is empty");
    if (!w.accept_code_of_conduct) fail("consent_needed", "please accept the code of conduct");
    const a = {
      id: newId("a"),
      name: w.name.trim(),
      handle: w.handle,
      email: null,
      roles: ["sprinter"],
      first_timer: w.first_timer,
      planned_days: [],
      badge_code: null,
      coc_version: state.sprint.code_of_conduct.version,
      photo_consent: w.photo_consent,
      merged_into: null,
    };
    state.attendees.push(a);
    return commands.sign_in({ attendee: a.id, project: w.project, accept_code_of_conduct: true, photo_consent: w.photo_consent });
  },
  undo({ token: t }) {
    const u = state.undo.get(t);
    if (!u) fail("not_found", "there is nothing to undo");
    if (Date.now() - u.at > 15_000) fail("venue_closed", "it is too late to undo that (15 seconds have passed)");
    state.undo.delete(t);
    return u.undo();
  },
  presence() {
    needSprint();
    const b = boardView();
    const tables = b.projects.map((p) => ({ project: p.project, people: p.present }));
    const none = [...state.presence].filter(([, pid]) => pid === null).map(([id]) => person(id));
    if (none.length > 0) tables.push({ project: null, people: none });
    const per_day = state.sprint.days.map((d, i) => ({
      date: d.date,
      is_break: d.is_break,
      people: d.date === b.today ? b.today_count : d.date < (b.today ?? "") ? 112 - i * 9 : 0,
    }));
    return { today: b.today, here_now: b.here_now, today_count: b.today_count, tables, per_day };
  },
  board: () => (needSprint(), boardView()),
  attendees: () => state.attendees,
  add_attendee(n) {
    if (!n.name?.trim()) fail("invalid", "the name is empty");
    const a = { id: newId("a"), planned_days: [], coc_version: null, photo_consent: null, merged_into: null, ...n };
    state.attendees.push(a);
    return a;
  },
  edit_attendee(e) {
    const a = attendee(e.id);
    if (e.badge_code && state.attendees.some((x) => x.id !== a.id && x.badge_code === e.badge_code))
      fail("invalid", `the badge ${e.badge_code} belongs to someone else`);
    Object.assign(a, e);
    return a;
  },
  merge_attendees({ duplicate, survivor }) {
    const d = attendee(duplicate);
    const s = attendee(survivor);
    if (d.id === s.id) fail("invalid", "a person cannot be merged into themselves");
    d.merged_into = s.id;
    if (state.presence.has(d.id) && !state.presence.has(s.id)) state.presence.set(s.id, state.presence.get(d.id));
    state.presence.delete(d.id);
    return s;
  },
  import_attendees({ text }) {
    const lines = text.split(/\r?\n/).filter((l) => l.trim() !== "");
    const header = (lines.shift() ?? "").toLowerCase().split(",").map((h) => h.trim());
    const ni = header.indexOf("name");
    const ei = header.indexOf("email");
    if (ni < 0) fail("import_rejected", "nothing was imported: 1 row must be fixed first", [{ place: "line 1", message: "the header has no name column" }]);
    const rows = [];
    const add = [];
    lines.forEach((line, i) => {
      const cells = line.split(",").map((c) => c.trim());
      if (!cells[ni]) rows.push({ place: `line ${i + 2}`, message: "the name is empty" });
      else if (ei >= 0 && cells[ei] && !cells[ei].includes("@")) rows.push({ place: `line ${i + 2}`, message: `“${cells[ei]}” is not an email address` });
      else add.push({ name: cells[ni], email: ei >= 0 ? cells[ei] || null : null });
    });
    if (rows.length > 0) fail("import_rejected", `nothing was imported: ${rows.length} rows must be fixed first`, rows);
    for (const r of add) commands.add_attendee({ ...r, handle: null, roles: ["sprinter"], first_timer: false, badge_code: null });
    return { format: "plain csv", added: add.length, updated: 0, unchanged: 0 };
  },
  projects: () =>
    state.projects.map((p) => ({ id: p.project.id, name: p.project.name, repo_url: p.repo_url, table_label: p.project.table_label, leads: p.leads.map((l) => l.id), help_wanted: p.help_wanted })),
  add_project({ name, repo_url, table_label, leads }) {
    if (!name?.trim()) fail("invalid", "the project needs a name");
    const id = newId("p");
    const leadRefs = (leads ?? []).map((l) => {
      const a = state.attendees.find((x) => x.id === l || x.handle === l || x.name === l);
      if (!a) fail("not_found", `no attendee is called ${l}`);
      return person(a.id);
    });
    state.projects.push({ project: { id, name, table_label }, repo_url, help_wanted: false, leads: leadRefs, goals: [], status_today: null });
    state.issues[id] = [];
    return { id, name, repo_url, table_label, leads: leadRefs.map((l) => l.id), help_wanted: false };
  },
  set_help_wanted({ project, help_wanted }) {
    const p = findProject(project) ?? fail("not_found", `no project is called ${project}`);
    p.help_wanted = help_wanted;
    return commands.projects().find((x) => x.id === p.project.id);
  },
  add_goal({ project, title, beginner_friendly }) {
    const p = findProject(project) ?? fail("not_found", `no project is called ${project}`);
    const g = { id: newId("g"), title, status: "planned", beginner_friendly };
    p.goals.push(g);
    return { ...g, project: p.project.id, notes: "" };
  },
  set_goal_status({ goal, status }) {
    for (const p of state.projects) {
      const g = p.goals.find((x) => x.id === goal);
      if (g) {
        g.status = status;
        return { ...g, project: p.project.id, notes: "" };
      }
    }
    fail("not_found", `no goal has the id ${goal}`);
  },
  set_status({ project, done, next, blockers }) {
    const p = findProject(project) ?? fail("not_found", `no project is called ${project}`);
    p.status_today = { done, next, blockers };
    return { id: newId("s"), project: p.project.id, day: fixture.board.today, done, next, blockers };
  },
  import_issues({ text, project }) {
    const p = findProject(project);
    let items;
    try {
      items = JSON.parse(text);
    } catch {
      fail("import_rejected", "nothing was imported: 1 row must be fixed first", [{ place: "item 1", message: "this is not JSON" }]);
    }
    if (!p) fail("invalid", "say which project these issues belong to");
    let added = 0;
    for (const it of items) {
      (state.issues[p.project.id] ??= []).push({ id: newId("i"), number: it.number ?? null, title: it.title, url: it.url ?? "", state: "open", beginner_friendly: (it.labels ?? []).some((l) => /good first/i.test(l.name ?? l)), contested: false, holders: [] });
      added++;
    }
    return { format: "gh json", added, updated: 0, unchanged: 0 };
  },
  issues({ project }) {
    if (!project) return allIssues();
    const p = findProject(project) ?? fail("not_found", `no project is called ${project}`);
    return state.issues[p.project.id] ?? [];
  },
  claim({ issue, attendee: id, mentor }) {
    const i = issueById(issue);
    const a = attendee(id);
    if (i.state !== "open") fail("claim_refused", `this issue is ${i.state === "merged" ? "merged" : "waiting on its pull request"} and cannot be claimed`);
    if (!state.presence.has(a.id)) fail("claim_refused", `${a.name} is not signed in today; sign them in first`);
    const held = working(i)[0];
    if (held) fail("claim_refused", `${held.person.name} already holds this issue; release it first or pair them up`);
    if (a.first_timer) {
      if (allIssues().some((x) => working(x).some((h) => h.person.id === a.id)))
        fail("claim_refused", `${a.name} is a first-time contributor and already holds an issue: one at a time`);
      if (!i.beginner_friendly) fail("claim_refused", `${a.name} is a first-time contributor: pick an issue labelled for beginners`);
      if (!mentor) fail("claim_refused", `${a.name} is a first-time contributor: name a mentor for this claim`);
    }
    const m = mentor ? attendee(mentor) : null;
    if (m && !state.presence.has(m.id)) fail("claim_refused", `the mentor ${m.name} is not signed in today`);
    i.holders = [...i.holders.filter((h) => h.person.id !== a.id), { person: person(a.id), mentor: m ? person(m.id) : null, state: { state: "active" } }];
    return i;
  },
  release({ issue, attendee: id }) {
    const i = issueById(issue);
    i.holders = i.holders.filter((h) => h.person.id !== id);
    if (working(i).length < 2) i.contested = false;
    if (working(i).length === 0 && i.state === "pr_open") i.state = "open";
    return i;
  },
  resolve({ issue, keep }) {
    const i = issueById(issue);
    i.holders = i.holders.filter((h) => keep.includes(h.person.id));
    i.contested = false;
    return i;
  },
  mark_pr_opened({ issue, attendee: id }) {
    const i = issueById(issue);
    i.state = "pr_open";
    for (const h of i.holders) if (!id || h.person.id === id) h.state = { state: "pr_open" };
    return i;
  },
  mark_merged({ issue }) {
    const i = issueById(issue);
    i.state = "merged";
    for (const h of working(i)) h.state = { state: "merged" };
    return i;
  },
  devices: () => state.devices,
  revoke_device({ device }) {
    const d = state.devices.find((x) => x.id === device) ?? fail("not_found", `no device has the id ${device}`);
    if (d.this_device) fail("not_allowed", "a device cannot revoke itself");
    d.revoked = true;
    return d;
  },
  review: () => state.review,
  restore({ kind, id }) {
    const i = state.review.findIndex((r) => r.kind === kind && r.id === id);
    if (i < 0) fail("not_found", `no deleted ${kind} has the id ${id}`);
    state.review.splice(i, 1);
    return null;
  },
  pair() {
    needSprint();
    const alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let code = "";
    for (let i = 0; i < 10; i++) code += alphabet[Math.floor(Math.random() * 32)];
    code = `${code.slice(0, 5)}-${code.slice(5)}`;
    return { code, address: "192.168.1.20:7733", expires_at: Date.now() + 10 * 60_000, qr_svg: fakeQr(code) };
  },
};
const WRITES = new Set(["set_mode", "create_sprint", "update_sprint", "sign_in", "sign_out", "register_walk_in", "undo", "add_attendee", "edit_attendee", "merge_attendees", "import_attendees", "add_project", "set_help_wanted", "add_goal", "set_goal_status", "set_status", "import_issues", "claim", "release", "resolve", "mark_pr_opened", "mark_merged", "revoke_device", "restore", "pair"]);

// A QR-looking pattern (not a real QR code: the real one comes from the core).
function fakeQr(seed) {
  let h = 0;
  for (const c of seed) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  const n = 25;
  let cells = "";
  for (let y = 0; y < n; y++)
    for (let x = 0; x < n; x++) {
      const finder = (x < 7 && y < 7) || (x >= n - 7 && y < 7) || (x < 7 && y >= n - 7);
      h = (h * 1103515245 + 12345) >>> 0;
      const on = finder ? (x % 6 === 0 || y % 6 === 0 || (x % 6 >= 2 && x % 6 <= 4 && y % 6 >= 2 && y % 6 <= 4)) && !(x === 7 || y === 7) : (h >> 16) & 1;
      if (on && !(finder && (x === 7 || y === 7 || x === n - 8 || y === n - 8))) cells += `<rect x="${x}" y="${y}" width="1" height="1"/>`;
    }
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="-2 -2 ${n + 4} ${n + 4}"><rect x="-2" y="-2" width="${n + 4}" height="${n + 4}" fill="#fff"/><g fill="#000">${cells}</g></svg>`;
}

// ---------------------------------------------------------------------------------------------------------
// HTTP

const clients = new Set();
function changed() {
  for (const res of clients) res.write("event: changed\ndata: {}\n\n");
}

const TYPES = { ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml", ".png": "image/png", ".ico": "image/x-icon", ".json": "application/json" };

function serveStatic(req, res) {
  const url = new URL(req.url, "http://x");
  let path = normalize(join(dist, decodeURIComponent(url.pathname)));
  if (!path.startsWith(dist)) return void res.writeHead(403).end();
  if (!existsSync(path) || statSync(path).isDirectory()) path = join(dist, "index.html");
  if (!existsSync(path)) return void res.writeHead(404).end("build the UI first: npm run build");
  res.writeHead(200, { "Content-Type": TYPES[extname(path)] ?? "application/octet-stream" });
  res.end(readFileSync(path));
}

const server = createServer((req, res) => {
  const url = new URL(req.url, "http://x");
  if (url.pathname === "/api/events" && req.method === "GET") {
    res.writeHead(200, { "Content-Type": "text/event-stream", "Cache-Control": "no-cache", Connection: "keep-alive" });
    res.write(": hello\n\n");
    clients.add(res);
    req.on("close", () => clients.delete(res));
    return;
  }
  if (url.pathname.startsWith("/api/") && req.method === "POST") {
    const name = url.pathname.slice(5);
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      const send = (status, value) => {
        res.writeHead(status, { "Content-Type": "application/json" });
        res.end(JSON.stringify(value));
      };
      try {
        if (name === "join") fail("unreachable", `could not reach ${JSON.parse(body || "{}").address ?? "that device"}`);
        const command = commands[name];
        if (!command) fail("unknown_command", `there is no command called ${name}`);
        const args = body.trim() === "" ? null : JSON.parse(body);
        const result = command(args ?? {});
        send(200, result === undefined ? null : result);
        if (WRITES.has(name)) changed();
      } catch (e) {
        if (e instanceof ApiError) send(e.status, e.body);
        else {
          console.error(e);
          send(500, { code: "internal", message: "the fake API failed" });
        }
      }
    });
    return;
  }
  serveStatic(req, res);
});

server.listen(port, "127.0.0.1", () => {
  console.log(`fake Sprintdesk API and UI on http://127.0.0.1:${port}/ (mode ${state.setup.mode}${state.sprint ? "" : ", no sprint"})`);
});
