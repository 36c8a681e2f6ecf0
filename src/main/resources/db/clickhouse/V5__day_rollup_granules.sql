-- The day rollup in granules of 256 rows instead of 8,192 (issue 12). A read asks for one dimension's few rows (90 for
-- device type at 10M events), but ClickHouse decompresses whole granules of the sketch column to reach them: with 8,192
-- rows a granule held megabytes of other dimensions' sketches. At 10M events, one part per month, the stored read's
-- server CPU fell from 20 to 9 ms (device type) and from 39 to 23 ms (pathname; 1,024 rows: 17 and 25 ms), the roll's
-- inserts cost the same, and the primary index is about 20 kB (docs/benchmarks-stats.md, "day_rollup in granules of
-- 256 rows").
--
-- ClickHouse 18.16 cannot change a table's index_granularity, so the rows are copied into a new table that then takes
-- the old one's name. Every statement may run again after a failure at any point (the runner records version 5 only
-- after the last one): a half-filled copy is dropped and made anew, and the copy is always made from the table named
-- day_rollup, which holds every row both before the swap and after it. The swap is one RENAME of both tables. On a
-- cluster the same runs on every host's local table; the Distributed day_rollup names day_rollup_local, so it reads
-- the new table as soon as that has the name.
DROP TABLE IF EXISTS day_rollup_v5;

CREATE TABLE day_rollup_v5 (
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
ORDER BY (site_id, zone, dimension, day, version)
SETTINGS index_granularity = 256;

INSERT INTO day_rollup_v5 SELECT * FROM day_rollup;

-- Left by a run that stopped after the swap (day_rollup then already holds the new table and every row).
DROP TABLE IF EXISTS day_rollup_v4;

RENAME TABLE day_rollup TO day_rollup_v4, day_rollup_v5 TO day_rollup;

DROP TABLE IF EXISTS day_rollup_v4;

-- On a cluster: the Distributed day_rollup_v5, whose local tables now have the name day_rollup_local.
DROP TABLE IF EXISTS day_rollup_v5;
