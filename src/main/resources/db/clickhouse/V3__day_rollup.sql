-- The day rollup on ClickHouse (events/ClickHouseDayRollup.java): the rows of the embedded store's day_rollup, per
-- site, site-local day (in the zone it was rolled in), dimension and value, with the DataSketches HLL sketch of the
-- row's visitor keys as bytes. A day is rebuilt as a whole under a new version; which version counts is the one in
-- day_rollup_days (argMax by version), so a reader never sees half a day and no row is updated in place.
CREATE TABLE IF NOT EXISTS day_rollup (
    site_id            String,
    zone               String,
    day                Date,
    dimension          String,
    value              Nullable(String),
    version            UInt64,
    visitors           UInt64,
    sessions           UInt64,
    pageviews          UInt64,
    bounces            UInt64,
    duration_sum       Float64,
    leave_ms_sum       Float64,
    leave_count        UInt64,
    scroll_sum         Float64,
    scroll_count       UInt64,
    continued_sessions UInt64,
    continued_duration Float64,
    visitor_sketch     String
) ENGINE = MergeTree
PARTITION BY toYYYYMM(day)
ORDER BY (site_id, zone, dimension, day, version);

-- The days rolled: each build of a day adds a row with its version and the server time the build began; its rows are
-- all in day_rollup before this row is written.
CREATE TABLE IF NOT EXISTS day_rollup_days (
    site_id  String,
    zone     String,
    day      Date,
    version  UInt64,
    built_at DateTime('UTC')
) ENGINE = ReplacingMergeTree(version)
ORDER BY (site_id, zone, day);

-- What changed when: per INSERT into events (the view below) and per deletion, the site, the UTC day and time range of
-- the events written or deleted, and the server time of the change. A rolled day is read only while no change since
-- its build reaches it.
CREATE TABLE IF NOT EXISTS day_changes (
    site_id    String,
    day        Date,
    first_ts   DateTime('UTC'),
    last_ts    DateTime('UTC'),
    changed_at DateTime('UTC')
) ENGINE = MergeTree
PARTITION BY toYYYYMM(changed_at)
ORDER BY (site_id, changed_at);

CREATE MATERIALIZED VIEW IF NOT EXISTS day_changes_feed TO day_changes AS
SELECT site_id, toDate(ts) AS day, min(ts) AS first_ts, max(ts) AS last_ts, now() AS changed_at
FROM events
GROUP BY site_id, day;
