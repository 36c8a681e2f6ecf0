CREATE TABLE accounts (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    email         TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    name          TEXT    NOT NULL,
    password_hash TEXT    NOT NULL,
    created_at    TEXT    NOT NULL
);

CREATE TABLE websites (
    id                 TEXT    PRIMARY KEY,
    account_id         INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    domain             TEXT    NOT NULL,
    name               TEXT    NOT NULL,
    timezone           TEXT    NOT NULL,
    currency           TEXT    NOT NULL,
    allowed_hostnames  TEXT    NOT NULL DEFAULT '[]',
    excluded_ips       TEXT    NOT NULL DEFAULT '[]',
    excluded_paths     TEXT    NOT NULL DEFAULT '[]',
    excluded_countries TEXT    NOT NULL DEFAULT '[]',
    created_at         TEXT    NOT NULL
);
CREATE INDEX websites_by_account ON websites (account_id);

-- Keys are random 32-character secrets, so a fast hash is enough to make a stolen database useless
-- while keeping lookup by hash cheap on every API request.
CREATE TABLE api_keys (
    id           TEXT    PRIMARY KEY,
    account_id   INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name         TEXT    NOT NULL,
    scope        TEXT    NOT NULL CHECK (scope IN ('read', 'write')),
    website_id   TEXT    REFERENCES websites (id) ON DELETE CASCADE,
    key_hash     TEXT    NOT NULL UNIQUE,
    key_hint     TEXT    NOT NULL,
    created_at   TEXT    NOT NULL,
    last_used_at TEXT
);
CREATE INDEX api_keys_by_account ON api_keys (account_id);
