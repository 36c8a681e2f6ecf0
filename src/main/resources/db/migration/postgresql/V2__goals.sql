-- Goal definitions only: completions are counted from the event store at query time, so goals are retroactive.
CREATE TABLE goals (
    id           TEXT PRIMARY KEY,
    website_id   TEXT NOT NULL REFERENCES websites (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    display_name TEXT NOT NULL,
    goal_type    TEXT NOT NULL CHECK (goal_type IN ('custom', 'pageview')),
    path         TEXT,
    created_at   TEXT NOT NULL,
    UNIQUE (website_id, name)
);
