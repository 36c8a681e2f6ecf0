-- One wide table of events, as on DuckDB (EventColumn), plus what ClickHouse needs:
--   ts_us    the exact time in microseconds; ts is DateTime (whole seconds, the only DateTime 18.16 has)
--   node_id  the app node whose spool accepted the event ('' for events written outside the spool)
--   event_id the event's spool id on that node (0 outside the spool); (node_id, event_id) is unique
-- Sorted by site and time so a site's range is one contiguous read.
CREATE TABLE IF NOT EXISTS events (
    site_id         String,
    ts              DateTime('UTC'),
    ts_us           Int64,
    event_type      String,
    visitor_id      String,
    session_id      String,
    visitor_key     Int64,
    session_key     Int64,
    goal_name       Nullable(String),
    url             Nullable(String),
    hostname        Nullable(String),
    pathname        Nullable(String),
    title           Nullable(String),
    referrer        Nullable(String),
    referrer_domain Nullable(String),
    referrer_source Nullable(String),
    channel         Nullable(String),
    utm_source      Nullable(String),
    utm_medium      Nullable(String),
    utm_campaign    Nullable(String),
    utm_term        Nullable(String),
    utm_content     Nullable(String),
    click_ids       Nullable(String),
    screen_width    Nullable(Int32),
    language        Nullable(String),
    device_type     Nullable(String),
    browser         Nullable(String),
    browser_version Nullable(String),
    os              Nullable(String),
    os_version      Nullable(String),
    country         Nullable(String),
    region          Nullable(String),
    city            Nullable(String),
    latitude        Nullable(Float64),
    longitude       Nullable(Float64),
    metadata        Nullable(String),
    duration_ms     Nullable(Int64),
    scroll_depth    Nullable(Int16),
    target_url      Nullable(String),
    node_id         String,
    event_id        UInt64
) ENGINE = MergeTree
PARTITION BY toYYYYMM(ts)
ORDER BY (site_id, ts, session_key);

-- Per node, the highest spool id whose event is stored. Only ever raised; readers take max(watermark), so
-- unmerged older rows do no harm.
CREATE TABLE IF NOT EXISTS spool_watermarks (
    node_id   String,
    watermark UInt64,
    version   UInt64
) ENGINE = ReplacingMergeTree(version)
ORDER BY node_id;
