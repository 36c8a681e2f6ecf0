-- Cookieless mode (docs/cookieless.md). Portable SQL: runs on SQLite and PostgreSQL alike.
-- 0 or 1: an integer rather than BOOLEAN so both engines read it the same way.
ALTER TABLE websites ADD COLUMN cookieless INTEGER NOT NULL DEFAULT 0;

-- The secret salt of the current UTC day for cookieless visitor ids. Only today's row is ever kept: the rows of
-- earlier days are deleted when a new day's salt is made (and by the job at midnight), so nobody, including us,
-- can recompute an earlier day's ids and link a visitor across days. The salt is 32 random bytes, base64.
CREATE TABLE cookieless_salts (
    day        TEXT NOT NULL PRIMARY KEY,
    salt       TEXT NOT NULL,
    created_at TEXT NOT NULL
);
