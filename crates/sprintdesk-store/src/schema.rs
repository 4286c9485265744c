//! The tables, their columns and the numbered migrations that create them.
//!
//! Column names are the serde field names of the domain records, so a row reads back into a record (and a
//! record splits into field changes) without a hand-written mapping per entity.

use crate::Entity;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Text,
    Int,
    Bool,
    Json,
}

#[derive(Debug)]
pub(crate) struct Table {
    pub entity: Entity,
    pub name: &'static str,
    /// Every column but `id`.
    pub columns: &'static [(&'static str, Kind)],
}

impl Table {
    pub fn column(&self, field: &str) -> Option<(&'static str, Kind)> {
        self.columns.iter().copied().find(|(name, _)| *name == field)
    }
}

use Kind::{Bool, Int, Json, Text};

pub(crate) const TABLES: &[Table] = &[
    Table {
        entity: Entity::Sprint,
        name: "sprint",
        columns: &[
            ("name", Text),
            ("time_zone", Text),
            ("days", Json),
            ("venue", Json),
            ("code_of_conduct", Json),
            ("retention_days", Int),
            ("retro_questions", Json),
        ],
    },
    Table {
        entity: Entity::Attendee,
        name: "attendees",
        columns: &[
            ("name", Text),
            ("handle", Text),
            ("email", Text),
            ("roles", Json),
            ("first_timer", Bool),
            ("planned_days", Json),
            ("badge_code", Text),
            ("coc_version", Int),
            ("photo_consent", Bool),
            ("merged_into", Text),
        ],
    },
    Table {
        entity: Entity::Project,
        name: "projects",
        columns: &[
            ("name", Text),
            ("repo_url", Text),
            ("table_label", Text),
            ("leads", Json),
            ("help_wanted", Bool),
            ("help_note", Text),
        ],
    },
    Table {
        entity: Entity::Goal,
        name: "goals",
        columns: &[("project", Text), ("title", Text), ("beginner_friendly", Bool), ("status", Text), ("notes", Text)],
    },
    Table {
        entity: Entity::StatusUpdate,
        name: "status_updates",
        columns: &[("project", Text), ("day", Text), ("done", Text), ("next", Text), ("blockers", Text)],
    },
    Table {
        entity: Entity::Issue,
        name: "issues",
        columns: &[
            ("project", Text),
            ("url", Text),
            ("number", Int),
            ("title", Text),
            ("labels", Json),
            ("beginner_friendly", Bool),
            ("state", Text),
        ],
    },
    Table {
        entity: Entity::PresenceEvent,
        name: "presence_events",
        columns: &[("kind", Text), ("attendee", Text), ("day", Text), ("project", Text), ("device", Text), ("at", Int)],
    },
    Table {
        entity: Entity::ClaimEvent,
        name: "claim_events",
        columns: &[("issue", Text), ("action", Json), ("device", Text), ("at", Int)],
    },
    Table {
        entity: Entity::Device,
        name: "devices",
        columns: &[
            ("name", Text),
            ("role", Text),
            ("fingerprint", Text),
            ("paired_by", Text),
            ("paired_at", Int),
            ("revoked", Bool),
            ("grant", Json),
        ],
    },
    Table {
        entity: Entity::PullRequest,
        name: "pull_requests",
        columns: &[
            ("project", Text),
            ("url", Text),
            ("number", Int),
            ("title", Text),
            ("state", Text),
            ("attendee", Text),
            ("author", Text),
            ("first_contribution", Bool),
            ("created_at", Int),
            ("merged_at", Int),
            ("closed_at", Int),
            ("closes", Json),
        ],
    },
    Table { entity: Entity::RetroAnswer, name: "retro_answers", columns: &[("day", Text), ("replies", Json)] },
    Table {
        entity: Entity::Standup,
        name: "standups",
        columns: &[
            ("day", Text),
            ("tables", Json),
            ("position", Int),
            ("turn_started", Int),
            ("turn_seconds", Int),
            ("ended", Bool),
            ("shown", Json),
        ],
    },
    Table {
        entity: Entity::BadgePrint,
        name: "badge_prints",
        columns: &[("attendee", Text), ("device", Text), ("at", Int), ("printer", Text)],
    },
    Table { entity: Entity::Retirement, name: "retirements", columns: &[("after", Int)] },
    Table { entity: Entity::Erasure, name: "erasures", columns: &[("erased", Bool)] },
];

pub(crate) fn table(entity: Entity) -> &'static Table {
    TABLES.iter().find(|table| table.entity == entity).expect("every entity has a table")
}

/// Numbered, append-only: a released migration is never edited; a change to the schema is a new entry.
/// The database's `user_version` is the number of migrations applied.
pub(crate) const MIGRATIONS: &[&str] = &[
    r#"
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

-- The replicated change log: what sync exchanges.
CREATE TABLE changes (
    origin    TEXT    NOT NULL,
    seq       INTEGER NOT NULL,
    hlc       INTEGER NOT NULL,
    entity    TEXT    NOT NULL,
    entity_id TEXT    NOT NULL,
    field     TEXT    NOT NULL,
    value     TEXT    NOT NULL,
    PRIMARY KEY (origin, seq)
) WITHOUT ROWID;
CREATE INDEX changes_by_entity ON changes (entity, entity_id);

-- The winning (hlc, origin) of every field, for last-writer-wins merging.
CREATE TABLE field_versions (
    entity    TEXT    NOT NULL,
    entity_id TEXT    NOT NULL,
    field     TEXT    NOT NULL,
    hlc       INTEGER NOT NULL,
    origin    TEXT    NOT NULL,
    PRIMARY KEY (entity, entity_id, field)
) WITHOUT ROWID;

CREATE TABLE sprint (
    id              TEXT PRIMARY KEY,
    name            TEXT NOT NULL DEFAULT '',
    time_zone       TEXT NOT NULL DEFAULT 'UTC',
    days            TEXT NOT NULL DEFAULT '[]',
    venue           TEXT NOT NULL DEFAULT '{}',
    code_of_conduct TEXT NOT NULL DEFAULT '{}'
);

CREATE TABLE attendees (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL DEFAULT '',
    handle        TEXT,
    email         TEXT,
    roles         TEXT NOT NULL DEFAULT '[]',
    first_timer   INTEGER NOT NULL DEFAULT 0,
    planned_days  TEXT NOT NULL DEFAULT '[]',
    badge_code    TEXT,
    coc_version   INTEGER,
    photo_consent INTEGER,
    merged_into   TEXT
);
CREATE INDEX attendees_by_badge ON attendees (badge_code);

CREATE TABLE projects (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL DEFAULT '',
    repo_url    TEXT,
    table_label TEXT,
    leads       TEXT NOT NULL DEFAULT '[]',
    help_wanted INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE goals (
    id                TEXT PRIMARY KEY,
    project           TEXT NOT NULL DEFAULT '',
    title             TEXT NOT NULL DEFAULT '',
    beginner_friendly INTEGER NOT NULL DEFAULT 0,
    status            TEXT NOT NULL DEFAULT 'planned',
    notes             TEXT NOT NULL DEFAULT ''
);

CREATE TABLE status_updates (
    id       TEXT PRIMARY KEY,
    project  TEXT NOT NULL DEFAULT '',
    day      TEXT NOT NULL DEFAULT '',
    done     TEXT NOT NULL DEFAULT '',
    "next"   TEXT NOT NULL DEFAULT '',
    blockers TEXT NOT NULL DEFAULT ''
);

CREATE TABLE issues (
    id                TEXT PRIMARY KEY,
    project           TEXT NOT NULL DEFAULT '',
    url               TEXT NOT NULL DEFAULT '',
    number            INTEGER,
    title             TEXT NOT NULL DEFAULT '',
    labels            TEXT NOT NULL DEFAULT '[]',
    beginner_friendly INTEGER NOT NULL DEFAULT 0,
    state             TEXT NOT NULL DEFAULT 'open'
);
CREATE INDEX issues_by_project ON issues (project);

-- Insert-only events: nothing here is ever updated.
CREATE TABLE presence_events (
    id       TEXT PRIMARY KEY,
    kind     TEXT NOT NULL,
    attendee TEXT NOT NULL,
    day      TEXT NOT NULL,
    project  TEXT,
    device   TEXT NOT NULL,
    at       INTEGER NOT NULL
);
CREATE INDEX presence_by_day ON presence_events (day);

CREATE TABLE claim_events (
    id     TEXT PRIMARY KEY,
    issue  TEXT NOT NULL,
    action TEXT NOT NULL,
    device TEXT NOT NULL,
    at     INTEGER NOT NULL
);
CREATE INDEX claims_by_issue ON claim_events (issue);
"#,
    r#"
-- Sync: the highest gap-free sequence held per origin device (the version vector).
CREATE TABLE vector (
    origin TEXT PRIMARY KEY,
    seq    INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO vector (origin, seq)
    SELECT origin, MAX(seq) FROM changes GROUP BY origin HAVING COUNT(*) = MAX(seq);

-- The venue's allow-list, replicated like any record. `revoked` never goes back to 0.
CREATE TABLE devices (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL DEFAULT '',
    role        TEXT NOT NULL DEFAULT 'organizer',
    fingerprint TEXT NOT NULL DEFAULT '',
    paired_by   TEXT,
    paired_at   INTEGER,
    revoked     INTEGER NOT NULL DEFAULT 0
);

-- Deletion is a last-writer-wins field of its own.
ALTER TABLE attendees ADD COLUMN deleted INTEGER NOT NULL DEFAULT 0;
ALTER TABLE projects ADD COLUMN deleted INTEGER NOT NULL DEFAULT 0;
ALTER TABLE goals ADD COLUMN deleted INTEGER NOT NULL DEFAULT 0;
ALTER TABLE status_updates ADD COLUMN deleted INTEGER NOT NULL DEFAULT 0;
ALTER TABLE issues ADD COLUMN deleted INTEGER NOT NULL DEFAULT 0;

-- This device's own bookkeeping: never replicated, never in the change log.
CREATE TABLE local_identity (
    device TEXT PRIMARY KEY,
    cert   BLOB NOT NULL,
    key    BLOB NOT NULL
) WITHOUT ROWID;
CREATE TABLE local_join_codes (
    code       TEXT PRIMARY KEY,
    expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE local_peers (
    device      TEXT PRIMARY KEY,
    address     TEXT,
    last_seen   INTEGER,
    offset_ms   INTEGER,
    they_lack   INTEGER NOT NULL DEFAULT 0,
    we_lack     INTEGER NOT NULL DEFAULT 0,
    problem     TEXT
) WITHOUT ROWID;
"#,
    // 3: no query reads the change log by record, and keeping that index cost a fifth of the apply rate
    // (191,000 → 233,000 changes/s in `cargo bench -p sprintdesk-sync --bench sync -- apply`). A privacy
    // erasure scans the log anyway: events name the person inside their value, not in `entity_id`.
    "DROP INDEX changes_by_entity;",
    r#"
-- Origins retired after a device's clock was put back: `id` is the origin, `after` the last of its
-- records that stands. Its later records were issued again, freshly stamped, under the device's next origin.
CREATE TABLE retirements (
    id    TEXT PRIMARY KEY,
    after INTEGER NOT NULL
);
"#,
    r#"
-- Trust: what proves who wrote a record and who is in (see `trust.rs`).
-- A record's `proof` is its device's signature of the origin's chain up to it (on some records only);
-- `refused` marks a record held and relayed but not applied, because its author's role does not allow it.
ALTER TABLE changes ADD COLUMN proof TEXT;
ALTER TABLE changes ADD COLUMN refused INTEGER NOT NULL DEFAULT 0;
-- The venue's signature on who a device is.
ALTER TABLE devices ADD COLUMN "grant" TEXT;
-- The link of the last record held of each origin whose chain has been checked.
CREATE TABLE chains (
    origin TEXT PRIMARY KEY,
    seq    INTEGER NOT NULL,
    link   BLOB NOT NULL
) WITHOUT ROWID;
-- This device's own keys: `device` (it signs its records) and `venue` (pinned; the secret only on an
-- organizer's device).
CREATE TABLE local_keys (
    device TEXT NOT NULL,
    name   TEXT NOT NULL,
    public BLOB NOT NULL,
    secret BLOB,
    PRIMARY KEY (device, name)
) WITHOUT ROWID;
-- A join code for another organizer's device hands over the venue's key.
ALTER TABLE local_join_codes ADD COLUMN organizer INTEGER NOT NULL DEFAULT 0;
-- Guessers locked out: join codes from an address, the organizer PIN on this device.
CREATE TABLE local_lockouts (
    kind         TEXT NOT NULL,
    source       TEXT NOT NULL,
    failures     INTEGER NOT NULL,
    locked_until INTEGER NOT NULL,
    at           INTEGER NOT NULL,
    PRIMARY KEY (kind, source)
) WITHOUT ROWID;
-- Records this device would not apply, and why: shown with the peers and on the Devices page.
CREATE TABLE local_refusals (
    origin TEXT NOT NULL,
    seq    INTEGER NOT NULL,
    reason TEXT NOT NULL,
    at     INTEGER NOT NULL,
    PRIMARY KEY (origin, seq)
) WITHOUT ROWID;
"#,
    r#"
-- A join code names the role (and a table lead's project) the organizer chose for the device it pairs;
-- codes made before this say only whether they were for an organizer (`role` NULL).
ALTER TABLE local_join_codes ADD COLUMN role TEXT;
ALTER TABLE local_join_codes ADD COLUMN project TEXT;
"#,
    r#"
-- Erasure (see `Entity::Erasure`): the people erased, and the hash a change record's content had once
-- its content is cleared (its `value` is then null).
CREATE TABLE erasures (
    id     TEXT PRIMARY KEY,
    erased INTEGER NOT NULL DEFAULT 1
) WITHOUT ROWID;
ALTER TABLE changes ADD COLUMN cleared BLOB;
"#,
    r#"
-- Retention: days after the last sprint day that attendees' personal data is kept (NULL: the default).
-- Once it has passed, an erasure of everyone (`erasures.id = '*'`) stands on every device.
ALTER TABLE sprint ADD COLUMN retention_days INTEGER;
"#,
    r#"
-- A personal value's salt (see `Change::salt`), dropped with the value when it is cleared.
ALTER TABLE changes ADD COLUMN salt TEXT;
"#,
    r#"
-- Records that arrived cleared from a relay while this device held no erasure that clears them: a relay
-- that clears what no erasure clears withholds data (it was tampered with, or erased alone). Shown on the
-- Devices page with the relay; a row goes once the erasure that explains it arrives.
CREATE TABLE local_unexplained_clearings (
    origin   TEXT NOT NULL,
    seq      INTEGER NOT NULL,
    attendee TEXT NOT NULL,
    relay    TEXT NOT NULL,
    at       INTEGER NOT NULL,
    PRIMARY KEY (origin, seq)
) WITHOUT ROWID;
"#,
    r#"
-- After the sprint: pull requests imported from the forges, the retrospective's questions and its
-- anonymous answers.
CREATE TABLE pull_requests (
    id                 TEXT PRIMARY KEY,
    project            TEXT,
    url                TEXT,
    number             INTEGER,
    title              TEXT,
    state              TEXT,
    attendee           TEXT,
    author             TEXT,
    first_contribution INTEGER,
    created_at         INTEGER,
    merged_at          INTEGER,
    closed_at          INTEGER,
    closes             TEXT
) WITHOUT ROWID;
CREATE TABLE retro_answers (
    id      TEXT PRIMARY KEY,
    day     TEXT,
    replies TEXT
) WITHOUT ROWID;
ALTER TABLE sprint ADD COLUMN retro_questions TEXT;
"#,
    r#"
-- The venue day: what help a table wants, each day's stand-up on the projector, badges printed.
ALTER TABLE projects ADD COLUMN help_note TEXT;
CREATE TABLE standups (
    id           TEXT PRIMARY KEY,
    day          TEXT,
    tables       TEXT,
    position     INTEGER,
    turn_started INTEGER,
    turn_seconds INTEGER,
    ended        INTEGER,
    shown        TEXT
) WITHOUT ROWID;
-- Badges printed at the venue: a second print of one person's badge needs the organizer.
CREATE TABLE badge_prints (
    id       TEXT PRIMARY KEY,
    attendee TEXT,
    device   TEXT,
    at       INTEGER,
    printer  TEXT
) WITHOUT ROWID;
"#,
    // The few people merged into another, found without reading every attendee: a sync checks them after
    // each batch that merges or erases someone (a duplicate merged into an erased person is erased too).
    "CREATE INDEX attendees_merged ON attendees (merged_into) WHERE merged_into IS NOT NULL;",
    r#"
-- Each field's winning stamp is kept in its row (`versions`: `[[field, hlc, origin], …]`), not as a row of
-- its own: a record that wins a field writes one row, not two, and a row's fields are judged with one read.
-- Every stamp is carried over from `field_versions`, which then goes (it held nothing else).
ALTER TABLE sprint ADD COLUMN versions TEXT;
UPDATE sprint SET versions = (SELECT json_group_array(json_array(v.field, v.hlc, v.origin)) FROM field_versions v
    WHERE v.entity = 'sprint' AND v.entity_id = sprint.id) WHERE EXISTS (SELECT 1 FROM field_versions v WHERE v.entity = 'sprint' AND v.entity_id = sprint.id);
ALTER TABLE attendees ADD COLUMN versions TEXT;
UPDATE attendees SET versions = (SELECT json_group_array(json_array(v.field, v.hlc, v.origin)) FROM field_versions v
    WHERE v.entity = 'attendee' AND v.entity_id = attendees.id) WHERE EXISTS (SELECT 1 FROM field_versions v WHERE v.entity = 'attendee' AND v.entity_id = attendees.id);
ALTER TABLE projects ADD COLUMN versions TEXT;
UPDATE projects SET versions = (SELECT json_group_array(json_array(v.field, v.hlc, v.origin)) FROM field_versions v
    WHERE v.entity = 'project' AND v.entity_id = projects.id) WHERE EXISTS (SELECT 1 FROM field_versions v WHERE v.entity = 'project' AND v.entity_id = projects.id);
ALTER TABLE goals ADD COLUMN versions TEXT;
UPDATE goals SET versions = (SELECT json_group_array(json_array(v.field, v.hlc, v.origin)) FROM field_versions v
    WHERE v.entity = 'goal' AND v.entity_id = goals.id) WHERE EXISTS (SELECT 1 FROM field_versions v WHERE v.entity = 'goal' AND v.entity_id = goals.id);
ALTER TABLE status_updates ADD COLUMN versions TEXT;
UPDATE status_updates SET versions = (SELECT json_group_array(json_array(v.field, v.hlc, v.origin)) FROM field_versions v
    WHERE v.entity = 'status_update' AND v.entity_id = status_updates.id) WHERE EXISTS (SELECT 1 FROM field_versions v WHERE v.entity = 'status_update' AND v.entity_id = status_updates.id);
ALTER TABLE issues ADD COLUMN versions TEXT;
UPDATE issues SET versions = (SELECT json_group_array(json_array(v.field, v.hlc, v.origin)) FROM field_versions v
    WHERE v.entity = 'issue' AND v.entity_id = issues.id) WHERE EXISTS (SELECT 1 FROM field_versions v WHERE v.entity = 'issue' AND v.entity_id = issues.id);
ALTER TABLE devices ADD COLUMN versions TEXT;
UPDATE devices SET versions = (SELECT json_group_array(json_array(v.field, v.hlc, v.origin)) FROM field_versions v
    WHERE v.entity = 'device' AND v.entity_id = devices.id) WHERE EXISTS (SELECT 1 FROM field_versions v WHERE v.entity = 'device' AND v.entity_id = devices.id);
ALTER TABLE pull_requests ADD COLUMN versions TEXT;
UPDATE pull_requests SET versions = (SELECT json_group_array(json_array(v.field, v.hlc, v.origin)) FROM field_versions v
    WHERE v.entity = 'pull_request' AND v.entity_id = pull_requests.id) WHERE EXISTS (SELECT 1 FROM field_versions v WHERE v.entity = 'pull_request' AND v.entity_id = pull_requests.id);
ALTER TABLE retro_answers ADD COLUMN versions TEXT;
UPDATE retro_answers SET versions = (SELECT json_group_array(json_array(v.field, v.hlc, v.origin)) FROM field_versions v
    WHERE v.entity = 'retro_answer' AND v.entity_id = retro_answers.id) WHERE EXISTS (SELECT 1 FROM field_versions v WHERE v.entity = 'retro_answer' AND v.entity_id = retro_answers.id);
ALTER TABLE standups ADD COLUMN versions TEXT;
UPDATE standups SET versions = (SELECT json_group_array(json_array(v.field, v.hlc, v.origin)) FROM field_versions v
    WHERE v.entity = 'standup' AND v.entity_id = standups.id) WHERE EXISTS (SELECT 1 FROM field_versions v WHERE v.entity = 'standup' AND v.entity_id = standups.id);
ALTER TABLE badge_prints ADD COLUMN versions TEXT;
UPDATE badge_prints SET versions = (SELECT json_group_array(json_array(v.field, v.hlc, v.origin)) FROM field_versions v
    WHERE v.entity = 'badge_print' AND v.entity_id = badge_prints.id) WHERE EXISTS (SELECT 1 FROM field_versions v WHERE v.entity = 'badge_print' AND v.entity_id = badge_prints.id);
DROP TABLE field_versions;
"#,
    r#"
-- Edits from other devices that this device's own later write replaced without having seen them (see
-- `lost.rs`): this device's bookkeeping, never replicated. The lost value is read from the change log.
CREATE TABLE local_lost_edits (
    origin    TEXT    NOT NULL,
    seq       INTEGER NOT NULL,
    entity    TEXT    NOT NULL,
    entity_id TEXT    NOT NULL,
    field     TEXT    NOT NULL,
    PRIMARY KEY (origin, seq)
) WITHOUT ROWID;
"#,
    // Pull requests can be deleted: an import of the wrong file is taken back like an import of people.
    "ALTER TABLE pull_requests ADD COLUMN deleted INTEGER NOT NULL DEFAULT 0;",
];
