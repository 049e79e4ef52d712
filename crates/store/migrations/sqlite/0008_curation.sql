-- Version 8: curation. Curator accounts, their sign-in sessions and API tokens; drafts kept apart
-- from published records; who made each change and why; and the audit log.

-- A curator. `name_key` is the name in lower case: names are unique without regard to case.
-- `password_hash` is an Argon2id PHC string; no password is ever stored or logged.
CREATE TABLE accounts (
    id              INTEGER PRIMARY KEY,
    name            TEXT NOT NULL,
    name_key        TEXT NOT NULL UNIQUE,
    password_hash   TEXT NOT NULL,
    role            TEXT NOT NULL CHECK (role IN ('admin', 'editor', 'contributor')),
    created_at      TEXT NOT NULL,
    password_set_at TEXT NOT NULL,
    disabled_at     TEXT
) STRICT;

-- A signed-in browser. The cookie holds a random token; only its SHA-256 is kept, so that a copy
-- of the database cannot sign anyone in. `csrf` is the token every form of the session carries.
CREATE TABLE sessions (
    token_sha256 TEXT PRIMARY KEY NOT NULL,
    account_id   INTEGER NOT NULL REFERENCES accounts (id),
    csrf         TEXT NOT NULL,
    address      TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    seen_at      TEXT NOT NULL,
    expires_at   TEXT NOT NULL
) STRICT;

CREATE INDEX sessions_by_account ON sessions (account_id);

-- A token for the write API, scoped to a role no higher than its account's; kept as a SHA-256.
CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    token_sha256 TEXT NOT NULL UNIQUE,
    account_id   INTEGER NOT NULL REFERENCES accounts (id),
    role         TEXT NOT NULL CHECK (role IN ('admin', 'editor', 'contributor')),
    label        TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    used_at      TEXT,
    revoked_at   TEXT
) STRICT;

-- A record not yet published: a new record, or a published one being edited. At most one per
-- record id; `version` counts its saves (a save must name the version it was made from), and
-- `base_revision` is the published revision it was made from (NULL for a new record).
CREATE TABLE drafts (
    id_key        TEXT PRIMARY KEY NOT NULL,
    record_id     TEXT NOT NULL,
    body          TEXT NOT NULL,
    body_version  INTEGER NOT NULL,
    base_revision INTEGER,
    version       INTEGER NOT NULL,
    account_id    INTEGER NOT NULL REFERENCES accounts (id),
    comment       TEXT NOT NULL,
    saved_at      TEXT NOT NULL
) STRICT;

-- Who made each change of the record sequence, and why: `actor` is `web:<account>`,
-- `api:<account>` or `cli:<operating-system user>`. Older changes have neither.
ALTER TABLE changes ADD COLUMN actor TEXT;
ALTER TABLE changes ADD COLUMN comment TEXT;

-- Every write, sign-in and refusal worth knowing, appended in the transaction of the write it
-- describes. The triggers make it append-only for everyone, the application included.
CREATE TABLE audit_log (
    seq     INTEGER PRIMARY KEY AUTOINCREMENT,
    at      TEXT NOT NULL,
    actor   TEXT NOT NULL,
    address TEXT,
    action  TEXT NOT NULL,
    target  TEXT,
    comment TEXT,
    detail  TEXT
) STRICT;

CREATE INDEX audit_log_by_action ON audit_log (action, at);
CREATE INDEX audit_log_by_target ON audit_log (target, seq);

CREATE TRIGGER audit_log_append_only_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

CREATE TRIGGER audit_log_append_only_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
