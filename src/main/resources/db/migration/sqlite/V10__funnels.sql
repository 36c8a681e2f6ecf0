-- Funnel definitions only: step counts are computed from the event store at query time, so a funnel added today
-- also shows last month's visitors. The steps are one JSON array (name, type, url, goal_name), read and written
-- with the funnel as a whole, so an edit is one row update. Portable SQL (SQLite and PostgreSQL).
CREATE TABLE funnels (
    id          TEXT PRIMARY KEY,
    website_id  TEXT NOT NULL REFERENCES websites (id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    steps       TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    UNIQUE (website_id, name)
);
