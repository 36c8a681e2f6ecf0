-- Presence (realtime/SharedPresence) is upserted about once a second with every visitor seen in that second, each
-- raising last_seen: with an index on last_seen, every such update wrote a new index entry in both indexes (no
-- heap-only update possible), most of what PostgreSQL did per event under load. The index served only the
-- once-a-minute deletion of idle visitors, which now scans the table: it holds the visitors of about five minutes.
-- Room on each page for the updated row versions, so the updates stay on their page (heap-only, no index write).
DROP INDEX IF EXISTS presence_by_time;
ALTER TABLE presence SET (fillfactor = 50);
