-- Partial days (events/ClickHouseDayRollup.java): for a day not rolled yet (today), the day rows of its sessions that
-- are closed (their latest event before the build's cut less the 30-minute visit timeout), so a read computes live rows
-- only for the other sessions. Rows and session keys are written under a version first, then the day_partials row
-- naming it (argMax by version), so a reader never sees half a build; replaced versions and the partials of rolled
-- days are deleted afterwards. Partitioned by day: those deletions rewrite one small partition, not the rollup.
CREATE TABLE IF NOT EXISTS day_partials (
    site_id  String,
    zone     String,
    day      Date,
    version  UInt64,
    built_at DateTime('UTC'),
    cut      DateTime('UTC')
) ENGINE = ReplacingMergeTree(version)
ORDER BY (site_id, zone, day);

-- The partial's day rows: day_rollup's columns.
CREATE TABLE IF NOT EXISTS day_partial_rows (
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
PARTITION BY toYYYYMMDD(day)
ORDER BY (site_id, zone, dimension, day, version);

-- The sessions a partial holds: a read finds it stale when one of them has an event at or after its closed_before.
CREATE TABLE IF NOT EXISTS day_partial_sessions (
    site_id     String,
    zone        String,
    day         Date,
    version     UInt64,
    session_key Int64
) ENGINE = MergeTree
PARTITION BY toYYYYMMDD(day)
ORDER BY (site_id, zone, day, version, session_key);
