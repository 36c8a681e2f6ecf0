-- PROVISIONAL (chdb branch): a stand-in for the server-mode sessions table; the ClickHouse engineer's files replace
-- it. The columns of DuckDB's sessions table after migration 4 (SessionAttribute), one row per session kept by the
-- latest ended_at. Counters are UInt64 and sums Int64 because the queries put them in one CASE with count() (UInt64)
-- and sum(Int64) (Int64) over events: ClickHouse has no common type for Int64 and UInt64 (26.x makes it a Variant
-- that sum() refuses; 18.16 has no supertype).
CREATE TABLE sessions (
    site_id          String,
    session_key      Int64,
    visitor_key      Int64,
    started_at       DateTime('UTC'),
    ended_at         DateTime('UTC'),
    first_counted_at Nullable(DateTime('UTC')),
    last_counted_at  Nullable(DateTime('UTC')),
    pageviews        UInt64,
    goals            UInt64,
    leave_ms         Int64,
    leave_count      UInt64,
    scroll           Int64,
    scroll_count     UInt64,
    entry_at         Nullable(DateTime('UTC')),
    entry_page       Nullable(String),
    channel          Nullable(String),
    referrer         Nullable(String),
    utm_source       Nullable(String),
    utm_medium       Nullable(String),
    utm_campaign     Nullable(String),
    utm_term         Nullable(String),
    utm_content      Nullable(String),
    exit_at          Nullable(DateTime('UTC')),
    exit_page        Nullable(String),
    country          Nullable(String),
    region           Nullable(String),
    city             Nullable(String),
    device_type      Nullable(String),
    browser          Nullable(String),
    os               Nullable(String),
    screen_width     Nullable(Int32),
    language         Nullable(String)
) ENGINE = ReplacingMergeTree(ended_at)
ORDER BY (site_id, session_key)
