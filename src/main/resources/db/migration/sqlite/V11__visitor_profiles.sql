-- Visitor profiles: what a site said about a visitor through identify (the tracker's datasaas("identify", ...) or
-- POST /api/v1/identify), and nothing else. One row per site and visitor id; a user seen on several devices has one
-- row per device with the same user_id, and the visitors API shows them as one profile. Deleted with the visitor
-- (DELETE /api/v1/visitors/{visitor_id}) or the website. Portable SQL: SQLite and PostgreSQL.
CREATE TABLE visitor_profiles (
    website_id    TEXT NOT NULL REFERENCES websites (id) ON DELETE CASCADE,
    visitor_id    TEXT NOT NULL,
    user_id       TEXT NOT NULL,
    display_name  TEXT,
    email         TEXT,
    -- a JSON object of up to 10 string properties
    properties    TEXT NOT NULL DEFAULT '{}',
    identified_at TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    PRIMARY KEY (website_id, visitor_id)
);
CREATE INDEX visitor_profiles_by_user ON visitor_profiles (website_id, user_id);
