package com.datasaas.events;

import com.datasaas.app.DataSaasProperties;
import com.datasaas.sites.WebsiteDeleted;
import com.datasaas.sql.ClickHouseDialect;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.event.EventListener;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Component;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Events in ClickHouse (server mode), over ClickHouse's HTTP interface with the JDK's HttpClient: rows go in as
 * {@code RowBinary} ({@link ClickHouseRowBinary}; {@code JSONEachRow} if the table has a column it cannot encode),
 * answers come back as {@code JSONCompact}. That interface is the one both Debian's 18.16 and
 * current releases speak the same way; the official JDBC driver emits functions and settings 18.16 lacks, and the
 * official client's extras (binary formats, compression) are what 18.16 needs switched off. See docs/server-mode.md.
 *
 * <p><b>Exactly once without transactions</b> (design section 9). Every node has its own spool, so a spooled event is
 * identified by ({@code node_id}, {@code event_id}). A batch is one INSERT; then the node's watermark (the batch's
 * highest id) is recorded in {@code spool_watermarks}. After start-up, or after any write that failed in a way that
 * leaves unclear what ClickHouse kept, the store is <i>recovering</i>: before inserting, it reads which ids of the
 * batch above the watermark are stored already and leaves them out. So a replay or a retry after a failure between the
 * INSERT and the watermark never duplicates; the check is skipped while writes succeed.
 *
 * <p>Sessions are kept by ClickHouse itself: the view {@code sessions_feed} adds each INSERT's partial session states
 * to {@code sessions} ({@link ClickHouseSessions}), so they are right across nodes and stored exactly as often as the
 * events are, once.
 */
@Component
@Conditional(EventStoreSelection.OnClickHouse.class)
public class ClickHouseEventStore implements EventStore {
    private static final Logger log = LoggerFactory.getLogger(ClickHouseEventStore.class);
    private static final Pattern MIGRATION = Pattern.compile("V(\\d+)__.*\\.sql");
    private static final DateTimeFormatter SECONDS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);
    private static final Duration TIMEOUT = Duration.ofMinutes(5);
    /** How long {@link #deleteSite} waits for ClickHouse's asynchronous DELETE mutation. */
    private static final Duration MUTATION_WAIT = Duration.ofMinutes(2);

    /** Test seam: called with each step's name before it runs, so a test can fail a batch between statements. */
    interface StepHook {
        void before(String step);
    }

    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .version(HttpClient.Version.HTTP_1_1)
            .build();
    private final ObjectMapper json = JsonMapper.builder().build();
    private final URI server;
    private final String database;
    private final String authorization;
    private final String nodeId;
    private final int schemaVersion;
    /** On a sharded cluster (DATASAAS_CLICKHOUSE_CLUSTER): how the schema is made there; null on one server. */
    private final ClusterSchema cluster;

    /** RowBinary rows for the events table as ClickHouse has it; null: its columns need JSONEachRow (see there). */
    private final ClickHouseRowBinary rowBinary;

    private final Object writeLock = new Object();
    private final ClickHouseDayRollup days = new ClickHouseDayRollup(this);
    private long watermark;
    private boolean recovering = true;
    private volatile StepHook stepHook = step -> {};
    /** Test seam: write JSONEachRow even when RowBinary could be used, to compare the two. */
    private volatile boolean jsonRows;

    public ClickHouseEventStore(ClickHouseSettings settings, DataSaasProperties properties) {
        URI url = URI.create(settings.url().strip());
        String path = url.getPath() == null ? "" : url.getPath().replaceAll("^/+|/+$", "");
        if (path.isEmpty() || path.contains("/") || !path.matches("[A-Za-z0-9_]+")) {
            throw new IllegalStateException("DATASAAS_CLICKHOUSE_URL must name the database, as in"
                    + " http://clickhouse:8123/datasaas (letters, digits and _); got " + settings.url());
        }
        this.server = URI.create(url.getScheme() + "://" + url.getRawAuthority() + "/");
        this.database = path;
        this.authorization = settings.user() == null || settings.user().isBlank()
                ? null
                : "Basic "
                        + Base64.getEncoder()
                                .encodeToString((settings.user() + ":"
                                                + (settings.password() == null ? "" : settings.password()))
                                        .getBytes(StandardCharsets.UTF_8));
        this.nodeId = nodeId(properties.dataDir());
        this.cluster =
                settings.sharded() ? new ClusterSchema(settings.cluster().strip(), database, allStatements()) : null;
        this.schemaVersion = connectAndMigrate();
        this.rowBinary = ClickHouseRowBinary.of(query(
                "DESCRIBE TABLE events",
                List.of(),
                (rs, n) -> new ClickHouseRowBinary.Described(rs.getString(1), rs.getString(2), rs.getString(3))));
        if (rowBinary == null)
            log.warn("The events table has a column RowBinary rows cannot fill; writing JSONEachRow");
        this.watermark = readWatermark();
        log.info(
                "Event store ready: ClickHouse {} database {}{} (schema version {}, node {})",
                server,
                database,
                cluster == null ? "" : " sharded over cluster " + cluster.cluster(),
                schemaVersion,
                nodeId);
    }

    /** This node's identity for its spool's ids: made once, kept in the data dir next to the spool. */
    static String nodeId(Path dataDir) {
        Path file = dataDir.resolve("node-id");
        try {
            if (Files.exists(file)) return Files.readString(file).strip();
            Files.createDirectories(dataDir);
            String id = UUID.randomUUID().toString();
            Files.writeString(file, id + "\n");
            return id;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read or create the node id " + file, e);
        }
    }

    void onEachStep(StepHook hook) {
        this.stepHook = hook;
    }

    /** Test seam: the text format the store wrote before RowBinary (and falls back to), for a comparison. */
    void writeJsonEachRow() {
        this.jsonRows = true;
    }

    /** Whether inserts are RowBinary: the table's columns all have an encoder and no test asked for JSON. */
    boolean writesRowBinary() {
        return rowBinary != null && !jsonRows;
    }

    @Override
    public String dialect() {
        return "clickhouse";
    }

    /**
     * Twice the embedded store's: every INSERT makes a part in {@code events}, {@code sessions} and {@code day_changes}
     * plus a watermark row, and ClickHouse's CPU goes to making and then merging those parts, not to the rows: in one
     * run with the same 100,000 events, 10,000-event inserts took 25-33% less CPU than 2,500-event ones and their merges
     * 70% less (docs/benchmarks.md, "Server-mode ingest, round 4"). Sessions come with the INSERT itself (the view
     * {@code sessions_feed}), so 1 s plus the INSERT stays within the 2 s freshness promise.
     */
    static final Duration FLUSH_INTERVAL = Duration.ofSeconds(1);

    @Override
    public Duration flushInterval() {
        return FLUSH_INTERVAL;
    }

    // ---------------------------------------------------------------- schema

    private int connectAndMigrate() {
        try {
            HttpResponse<String> ping = http.send(
                    HttpRequest.newBuilder(server.resolve("ping"))
                            .timeout(Duration.ofSeconds(10))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (ping.statusCode() != 200) throw new IOException("HTTP " + ping.statusCode() + " on /ping");
        } catch (IOException e) {
            throw new IllegalStateException("ClickHouse at " + server + " is unreachable (" + describe(e)
                    + "). Start it or correct DATASAAS_CLICKHOUSE_URL; unset that variable to use the embedded event"
                    + " store.");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while connecting to ClickHouse at " + server);
        }
        try {
            if (cluster != null) checkCluster();
            checkSameMode();
            execute(null, cluster == null ? "CREATE DATABASE IF NOT EXISTS " + database : cluster.createDatabase());
            for (String statement : schema(SCHEMA_VERSION_TABLE)) execute(database, statement);
        } catch (EventStoreException e) {
            throw new IllegalStateException("ClickHouse at " + server + " refused to set up database " + database + ": "
                    + e.getMessage() + ". Check DATASAAS_CLICKHOUSE_USER and DATASAAS_CLICKHOUSE_PASSWORD"
                    + (cluster == null
                            ? "."
                            : ", and that every host of cluster " + cluster.cluster() + " is up and has distributed"
                                    + " DDL (ZooKeeper or ClickHouse Keeper) configured, which ON CLUSTER needs."));
        }
        List<Resource> migrations = migrations();
        int current = Math.toIntExact(single("SELECT max(version) AS v FROM schema_version", rs -> rs.getLong(1)));
        if (current > migrations.size()) {
            throw new IllegalStateException("The ClickHouse database " + database + " has schema version " + current
                    + ", newer than this DataSaaS build knows (" + migrations.size() + "). Run a newer release.");
        }
        for (int version = current + 1; version <= migrations.size(); version++) {
            for (String statement : statements(migrations.get(version - 1))) {
                for (String sql : schema(statement)) execute(database, sql);
            }
            execute(database, "INSERT INTO schema_version VALUES (" + version + ", now())");
        }
        return migrations.size();
    }

    private static final String SCHEMA_VERSION_TABLE =
            "CREATE TABLE IF NOT EXISTS schema_version (version UInt32, applied_at DateTime)"
                    + " ENGINE = MergeTree ORDER BY version";

    /** A statement of the schema as it runs here: as written on one server, its cluster form on a cluster. */
    private List<String> schema(String statement) {
        return cluster == null ? List.of(statement) : cluster.statements(statement);
    }

    /** Every schema statement, this store's own table first: which names a view may refer to. */
    static List<String> allStatements() {
        List<String> all = new ArrayList<>(List.of(SCHEMA_VERSION_TABLE));
        for (Resource file : migrations()) all.addAll(statements(file));
        return all;
    }

    /** The configured cluster must be one of the server's remote_servers. */
    private void checkCluster() {
        String known = post(null, "SELECT cluster FROM system.clusters GROUP BY cluster ORDER BY cluster", null, false)
                .strip();
        if (!known.lines().toList().contains(cluster.cluster())) {
            throw new IllegalStateException("ClickHouse at " + server + " has no cluster " + cluster.cluster()
                    + " in its remote_servers (it has: " + (known.isEmpty() ? "none" : known.replace('\n', ' '))
                    + "). Correct DATASAAS_CLICKHOUSE_CLUSTER, or unset it for one server.");
        }
    }

    /**
     * A database made for one server cannot be used as a cluster's and the other way round: the tables would be
     * wrong (no shards), or inserts would go through a Distributed table without waiting for the shards, which
     * breaks exactly-once. So the existing schema_version table's engine must match the setting.
     */
    private void checkSameMode() {
        String engine = post(
                        null,
                        "SELECT engine FROM system.tables WHERE database = " + ClickHouseDialect.literal(database)
                                + " AND name = 'schema_version'",
                        null,
                        false)
                .strip();
        if (engine.isEmpty()) return;
        boolean distributed = engine.equals("Distributed");
        if (cluster != null && !distributed) {
            throw new IllegalStateException("The ClickHouse database " + database + " was made for one server, not"
                    + " for cluster " + cluster.cluster() + ": its tables are not sharded. Use a new database for the"
                    + " cluster and move the events with the migrate command, or unset DATASAAS_CLICKHOUSE_CLUSTER.");
        }
        if (cluster == null && distributed) {
            throw new IllegalStateException("The ClickHouse database " + database + " is sharded over a cluster: set"
                    + " DATASAAS_CLICKHOUSE_CLUSTER to that cluster's name.");
        }
    }

    private static String describe(Throwable e) {
        if (e instanceof ConnectException) return "connection refused";
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** The migration files V1__*.sql, V2__*.sql ... in version order; versions must run 1, 2, 3 without a gap. */
    static List<Resource> migrations() {
        try {
            Resource[] found = new PathMatchingResourcePatternResolver().getResources("classpath:db/clickhouse/V*.sql");
            List<Resource> sorted = new ArrayList<>(Arrays.asList(found));
            sorted.sort(Comparator.comparingInt(r -> version(r.getFilename())));
            for (int i = 0; i < sorted.size(); i++) {
                if (version(sorted.get(i).getFilename()) != i + 1) {
                    throw new IllegalStateException("ClickHouse migrations must be numbered 1, 2, 3 ...: " + sorted);
                }
            }
            return sorted;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int version(String file) {
        Matcher m = MIGRATION.matcher(file);
        if (!m.matches()) throw new IllegalStateException("Not a migration file name: " + file);
        return Integer.parseInt(m.group(1));
    }

    /** The statements of a migration file: separated by semicolons at line ends, {@code --} comments dropped. */
    static List<String> statements(Resource file) {
        try {
            String text = new String(file.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            StringBuilder sql = new StringBuilder();
            for (String line : text.split("\n")) {
                if (!line.strip().startsWith("--")) sql.append(line).append('\n');
            }
            return Arrays.stream(sql.toString().split(";\\s*\n"))
                    .map(String::strip)
                    .filter(s -> !s.isEmpty())
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---------------------------------------------------------------- writes

    @Override
    public void append(List<Event> batch) {
        if (batch.isEmpty()) return;
        synchronized (writeLock) {
            insert(batch.stream().map(e -> new SpooledEvent(0, e)).toList(), "");
        }
    }

    @Override
    public void appendSpooled(List<SpooledEvent> batch) {
        if (batch.isEmpty()) return;
        int size = batch.size();
        synchronized (writeLock) {
            Insert insert;
            try {
                if (recovering) watermark = readWatermark();
                Rows rows = freshRows(batch);
                insert = rows.body() == null
                        ? new Insert(null, null, rows.highest())
                        : new Insert(
                                rows.statement(), HttpRequest.BodyPublishers.ofByteArray(rows.body()), rows.highest());
            } catch (RuntimeException e) {
                throw failed(size, e);
            }
            // The decoded events are dead once encoded. Held while the INSERT waits for ClickHouse, a 1 s batch
            // of them was copied and promoted by the young collections in that time (5-9x embedded's promotion,
            // full collections every few seconds; docs/benchmarks.md, "Server mode's app, where its CPU goes").
            // Only this frame still refers to the list (an interpreted frame keeps every reference local
            // alive); the body, and the spool records a retry needs, are what stays.
            batch = null;
            store(size, insert);
        }
    }

    /**
     * The ingest writer's batch, still in the spool's encoding: its rows are decoded and encoded a piece of {@link
     * #PIECE_ROWS} at a time while ClickHouse reads the INSERT's body (chunked), so neither the batch's decoded events
     * nor its whole body is ever live. A 1 s batch of them held while the INSERT waited was copied and promoted by the
     * young collections in that time (docs/benchmarks.md, "Server mode's app, where its CPU goes"). After a failure
     * (recovery looks at what ClickHouse kept) and for the text fallback the batch goes the decoded way.
     */
    @Override
    public void appendSpooled(SpooledRecords batch) {
        if (batch.size() == 0) return;
        synchronized (writeLock) {
            if (recovering || !writesRowBinary()) {
                appendSpooled(batch.events());
                return;
            }
            Insert insert;
            try {
                long above = watermark;
                long highest = above;
                for (int i = 0; i < batch.size(); i++) highest = Math.max(highest, batch.id(i));
                Pieces pieces = new Pieces(batch, above);
                byte[] first = pieces.next(); // encoded here: a batch with no row to store sends no INSERT
                Iterable<byte[]> body = () -> new Iterator<>() {
                    private byte[] next = first;

                    @Override
                    public boolean hasNext() {
                        return next != null;
                    }

                    @Override
                    public byte[] next() {
                        if (next == null) throw new NoSuchElementException();
                        byte[] piece = next;
                        next = pieces.next();
                        return piece;
                    }
                };
                insert = first == null
                        ? new Insert(null, null, highest)
                        : new Insert(rowBinary.insert(), HttpRequest.BodyPublishers.ofByteArrays(body), highest);
            } catch (RuntimeException e) {
                throw failed(batch.size(), e);
            }
            store(batch.size(), insert);
        }
    }

    /**
     * Rows per piece of a streamed INSERT body: one piece's decoded events and encoded bytes are what the young
     * generation holds of a batch at a time, whatever the batch's size; ClickHouse reads the pieces into the one
     * INSERT (one part, as before).
     */
    static final int PIECE_ROWS = 1_000;

    /** The RowBinary rows above {@code above} of a spooled batch, a piece at a time; unreadable records left out. */
    private final class Pieces {
        private final SpooledRecords batch;
        private final long above;
        private int next;

        Pieces(SpooledRecords batch, long above) {
            this.batch = batch;
            this.above = above;
        }

        /** The next piece with at least one row, or null at the end. */
        byte[] next() {
            while (next < batch.size()) {
                int end = Math.min(next + PIECE_ROWS, batch.size());
                List<SpooledEvent> piece = new ArrayList<>(end - next);
                for (; next < end; next++) {
                    long id = batch.id(next);
                    if (id <= above) continue;
                    try {
                        piece.add(new SpooledEvent(id, batch.event(next)));
                    } catch (SpooledRecords.Unreadable skipped) {
                        // left out, as SpooledRecords.events() leaves it out; the batch logged it
                    }
                }
                if (!piece.isEmpty()) return rowBinary.rows(piece, nodeId);
            }
            return null;
        }
    }

    /** An INSERT to send ({@code statement} null when none), and the batch's highest spool id. */
    private record Insert(String statement, HttpRequest.BodyPublisher body, long highest) {}

    /** Sends a batch's INSERT and raises the watermark; any failure leaves the store recovering. Under writeLock. */
    private void store(int size, Insert insert) {
        try {
            stepHook.before("insert_events");
            if (insert.statement() != null) send(database, insert.statement(), insert.body(), false);
            if (insert.highest() > watermark) {
                stepHook.before("raise_watermark");
                execute(
                        database,
                        "INSERT INTO spool_watermarks VALUES (" + ClickHouseDialect.literal(nodeId) + ", "
                                + insert.highest() + ", " + System.nanoTime() + ")");
                watermark = insert.highest();
            }
            recovering = false;
        } catch (RuntimeException e) {
            throw failed(size, e);
        }
    }

    /** Whatever part of the batch ClickHouse kept, the next attempt looks before it inserts. Under writeLock. */
    private EventStoreException failed(int size, RuntimeException e) {
        recovering = true;
        return e instanceof EventStoreException ese
                ? ese
                : new EventStoreException("Writing " + size + " events failed: " + e.getMessage(), e);
    }

    /** An INSERT's statement and body ({@code null} when no event of the batch is left to store). */
    private record Rows(String statement, byte[] body, long highest) {}

    /** The INSERT of the batch's events above the watermark that ClickHouse does not hold yet, and the batch's top id. */
    private Rows freshRows(List<SpooledEvent> batch) {
        List<SpooledEvent> fresh = new ArrayList<>(batch.size());
        long highest = watermark;
        for (SpooledEvent e : batch) {
            if (e.id() > watermark) fresh.add(e);
            highest = Math.max(highest, e.id());
        }
        if (recovering && !fresh.isEmpty()) fresh = withoutStored(fresh);
        return fresh.isEmpty() ? new Rows(null, null, highest) : rows(fresh, nodeId, highest);
    }

    /** The events of {@code batch} that an earlier, unclear attempt has not stored. */
    private List<SpooledEvent> withoutStored(List<SpooledEvent> batch) {
        long low = Long.MAX_VALUE;
        long high = 0;
        Instant from = Instant.MAX;
        Instant to = Instant.MIN;
        for (SpooledEvent e : batch) {
            low = Math.min(low, e.id());
            high = Math.max(high, e.id());
            Instant t = e.event().timestamp();
            if (t.isBefore(from)) from = t;
            if (t.isAfter(to)) to = t;
        }
        // The time bounds (the stored ts is the event's own, to the second) let ClickHouse skip to those parts.
        String kept = "node_id = " + ClickHouseDialect.literal(nodeId) + " AND event_id BETWEEN " + low + " AND " + high
                + " AND ts >= " + ClickHouseDialect.literal(from) + " AND ts <= " + ClickHouseDialect.literal(to);
        Set<Long> stored =
                new HashSet<>(query("SELECT event_id FROM events WHERE " + kept, List.of(), (rs, n) -> rs.getLong(1)));
        if (stored.isEmpty()) return batch;
        log.info("Skipping {} events of a replayed batch that ClickHouse already holds", stored.size());
        feedSessionsOf(kept);
        // The failed INSERT's view may have missed them too: a rolled day they reach must not count as clean.
        execute(database, "INSERT INTO day_changes " + changesOf(kept));
        return batch.stream().filter(e -> !stored.contains(e.id())).toList();
    }

    /**
     * ClickHouse stores an INSERT's events before it runs the view {@code sessions_feed}; if the view's write failed
     * (a full disk between the two), the INSERT reported an error, the events matching {@code kept} are stored, and
     * their sessions may lack them. Compared here with a group-by over the events of the same sessions: if the stored
     * sessions plus these events' states equal it, the view missed exactly these events and their states are
     * inserted now. Another node writing the same sessions at this moment (its events visible, its view's rows not
     * yet) can make the comparison differ otherwise; the check is repeated a few times before giving up with an error
     * in the log, rather than guessing.
     */
    private void feedSessionsOf(String kept) {
        String sessions = "session_key IN (SELECT session_key FROM events WHERE " + kept + ")";
        String derived = ClickHouseSessions.read(ClickHouseSessions.statesOf(sessions));
        String stored = ClickHouseSessions.read("SELECT * FROM sessions WHERE " + sessions);
        String storedAndKept = ClickHouseSessions.read(
                "SELECT * FROM sessions WHERE " + sessions + " UNION ALL " + ClickHouseSessions.statesOf(kept));
        RowMapper<List<Object>> row = (rs, n) -> {
            List<Object> values = new ArrayList<>();
            for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) values.add(rs.getObject(i));
            return values;
        };
        for (int attempt = 1; ; attempt++) {
            List<List<Object>> expected = query(derived, List.of(), row);
            if (query(stored, List.of(), row).equals(expected)) return;
            if (query(storedAndKept, List.of(), row).equals(expected)) {
                execute(database, "INSERT INTO sessions " + ClickHouseSessions.statesOf(kept));
                log.warn(
                        "The sessions of {} sessions lacked the events of a failed INSERT (ClickHouse stored the"
                                + " events but not the view's rows); added them",
                        expected.size());
                return;
            }
            if (attempt == 3) {
                log.error("The sessions of a failed INSERT's events differ from a group-by over their events in a"
                        + " way this check cannot repair; see docs/server-mode.md to rebuild a site's sessions");
                return;
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private long readWatermark() {
        return single(
                "SELECT max(watermark) FROM spool_watermarks WHERE node_id = " + ClickHouseDialect.literal(nodeId),
                rs -> rs.getLong(1));
    }

    @Override
    public long spoolWatermark() {
        synchronized (writeLock) {
            return readWatermark();
        }
    }

    /**
     * One INSERT for the whole batch: ClickHouse wants few large inserts, never one per event. RowBinary when the
     * table's columns allow it (always, with the schema files of this release): no text to write or parse.
     */
    private void insert(List<SpooledEvent> batch, String node) {
        Rows rows = rows(batch, node, 0);
        post(database, rows.statement(), rows.body(), false);
    }

    private Rows rows(List<SpooledEvent> batch, String node, long highest) {
        return writesRowBinary()
                ? new Rows(rowBinary.insert(), rowBinary.rows(batch, node), highest)
                : new Rows("INSERT INTO events FORMAT JSONEachRow", jsonRows(batch, node), highest);
    }

    /** The text fallback, for a table with a column the RowBinary encoder does not know. */
    private byte[] jsonRows(List<SpooledEvent> batch, String node) {
        ByteArrayOutputStream body = new ByteArrayOutputStream(batch.size() * 400);
        try (JsonGenerator g = json.createGenerator(body)) {
            for (SpooledEvent s : batch) {
                Event e = s.event();
                g.writeStartObject();
                for (EventColumn c : EventColumn.values()) {
                    Object v = c.value(e);
                    g.writeName(c.column);
                    if (v == null) {
                        g.writeNull();
                    } else if (v instanceof Instant t) {
                        g.writeString(SECONDS.format(t));
                    } else if (v instanceof Long n) {
                        g.writeNumber(n);
                    } else if (v instanceof Integer n) {
                        g.writeNumber(n);
                    } else if (v instanceof Double n) {
                        g.writeNumber(n);
                    } else {
                        g.writeString(v.toString());
                    }
                }
                Instant t = e.timestamp();
                g.writeNumberProperty(
                        "ts_us",
                        Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1_000));
                g.writeStringProperty("node_id", node);
                g.writeNumberProperty("event_id", s.id());
                g.writeEndObject();
                g.writeRaw('\n');
            }
        }
        return body.toByteArray();
    }

    // ---------------------------------------------------------------- reads

    @Override
    public List<ActiveVisitor> activeSince(Instant since) {
        return query(
                "SELECT site_id, visitor_key, max(ts) AS last_seen FROM events WHERE ts >= "
                        + ClickHouseDialect.literal(since) + " GROUP BY site_id, visitor_key",
                List.of(),
                (rs, row) -> new ActiveVisitor(rs.getString(1), rs.getLong(2), rs.getObject(3, Instant.class)));
    }

    @Override
    public void deleteSite(String siteId) {
        synchronized (writeLock) {
            String site = ClickHouseDialect.literal(siteId);
            execute(database, alter("events") + " DELETE WHERE site_id = " + site);
            execute(database, alter("sessions") + " DELETE WHERE site_id = " + site);
            for (String table : List.of(
                    "day_rollup", "day_rollup_days", "day_partials", "day_partial_rows", "day_partial_sessions")) {
                execute(database, alter(table) + " DELETE WHERE site_id = " + site);
            }
            awaitMutations();
            // A roll that ran meanwhile may have written days again: a change over all time makes them stale.
            execute(
                    database,
                    "INSERT INTO day_changes SELECT " + site + ", toDate('1970-01-01'), toDateTime(0, 'UTC'),"
                            + " toDateTime('2105-12-31 23:59:59', 'UTC'), now()");
        }
    }

    /** The {@code day_changes} rows of the events matching {@code where}: per site and UTC day, their times. */
    private static String changesOf(String where) {
        return "SELECT site_id, toDate(ts) AS day, min(ts), max(ts), now() FROM events WHERE " + where
                + " GROUP BY site_id, day";
    }

    /** Deletes the visitors' events and their sessions' rows (a session belongs to one visitor). */
    @Override
    public long deleteVisitors(String siteId, List<String> visitorIds) {
        if (visitorIds.isEmpty()) return 0;
        String condition = "site_id = " + ClickHouseDialect.literal(siteId) + " AND visitor_id IN ("
                + visitorIds.stream().map(ClickHouseDialect::literal).collect(java.util.stream.Collectors.joining(", "))
                + ")";
        synchronized (writeLock) {
            long deleted = single("SELECT count() FROM events WHERE " + condition, rs -> rs.getLong(1));
            if (deleted > 0) {
                List<Long> sessions = query(
                        "SELECT DISTINCT session_key FROM events WHERE " + condition,
                        List.of(),
                        (rs, n) -> rs.getLong(1));
                // The days of the deleted events (a session's events are all its visitor's): recorded as changes
                // now, so rolled days reaching them are read live, and again once the mutations are done, so a day
                // rolled while they ran (from events half deleted) is stale too.
                String site = ClickHouseDialect.literal(siteId);
                List<String> changes = query(
                        "SELECT toString(toDate(ts)), toString(min(ts)), toString(max(ts)) FROM events WHERE "
                                + condition + " GROUP BY toDate(ts)",
                        List.of(),
                        (rs, n) -> "SELECT " + site + ", toDate('" + rs.getString(1) + "'), toDateTime('"
                                + rs.getString(2) + "', 'UTC'), toDateTime('" + rs.getString(3) + "', 'UTC'), now()");
                String changed = "INSERT INTO day_changes " + String.join(" UNION ALL ", changes);
                execute(database, changed);
                execute(database, alter("events") + " DELETE WHERE " + condition);
                execute(
                        database,
                        alter("sessions") + " DELETE WHERE site_id = " + ClickHouseDialect.literal(siteId)
                                + " AND session_key IN ("
                                + sessions.stream()
                                        .map(String::valueOf)
                                        .collect(java.util.stream.Collectors.joining(", "))
                                + ")");
                awaitMutations();
                execute(database, changed);
            }
            return deleted;
        }
    }

    /** Whether the tables are sharded over a cluster (DATASAAS_CLICKHOUSE_CLUSTER). */
    boolean sharded() {
        return cluster != null;
    }

    /** Deletes change the stored rows: on a cluster, those of every shard's local table. */
    String alter(String table) {
        return cluster == null
                ? "ALTER TABLE " + table
                : "ALTER TABLE " + database + "." + ClusterSchema.local(table) + " ON CLUSTER " + cluster.cluster();
    }

    /**
     * ALTER ... DELETE is an asynchronous mutation (18.16 cannot wait for it): poll until it is done, on a cluster on
     * every host.
     */
    private void awaitMutations() {
        long deadline = System.nanoTime() + MUTATION_WAIT.toNanos();
        while (mutationsRunning()) {
            if (System.nanoTime() > deadline) {
                log.warn("ClickHouse is still deleting events after {}; it goes on in the background", MUTATION_WAIT);
                return;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Whether a deletion's mutation of events or sessions is still under way (on a cluster: on any host). */
    boolean mutationsRunning() {
        return single(
                        "SELECT count() FROM " + mutations() + " WHERE database = "
                                + ClickHouseDialect.literal(database) + " AND table IN (" + mutatedTables()
                                + ") AND is_done = 0",
                        rs -> rs.getLong(1))
                > 0;
    }

    private String mutations() {
        return cluster == null
                ? "system.mutations"
                : "cluster(" + ClickHouseDialect.literal(cluster.cluster()) + ", system, mutations)";
    }

    private String mutatedTables() {
        return java.util.stream.Stream.of("events", "sessions")
                .map(t -> ClickHouseDialect.literal(cluster == null ? t : ClusterSchema.local(t)))
                .collect(java.util.stream.Collectors.joining(", "));
    }

    // ---------------------------------------------------------------- day rollup (ClickHouseDayRollup)

    @Override
    public Optional<DayRows> dayRows(String siteId, ZoneId zone, String dimension, LocalDate start, LocalDate end) {
        if (!DayRollup.rolledUp(dimension)) return Optional.empty();
        return days.read(siteId, zone, dimension, start, end);
    }

    /**
     * Rolls the site's closed, settled days in {@code zone} into the day rollup (see {@link ClickHouseDayRollup#roll});
     * returns how many days were rolled.
     */
    public long rollDays(String siteId, ZoneId zone) {
        return days.roll(siteId, zone);
    }

    /**
     * Builds the partial of the site's current day in {@code zone} when it has no fresh one younger than {@link
     * ClickHouseDayRollup#PARTIAL_EVERY} (see {@link ClickHouseDayRollup#buildPartial}); returns whether it built one.
     */
    public boolean buildPartialDay(String siteId, ZoneId zone) {
        return days.buildPartial(siteId, zone);
    }

    /** The days of {@code [from, to]} with a fresh partial: reads of them compute only their live sessions. */
    public java.util.Set<LocalDate> partialDays(String siteId, ZoneId zone, LocalDate from, LocalDate to) {
        return days.freshPartials(siteId, zone, from, to);
    }

    /** Test seam: the time that decides which days have ended and where partial days are cut (default: the server's). */
    public void dayClock(java.time.Clock clock) {
        days.clock(clock);
    }

    /** Test seam: the largest month of the day rollup a roll merges into one part (0: none). */
    public void dayRollupMergeAtMost(long bytes) {
        days.mergeMonthAtMost(bytes);
    }

    /** Test seam: how long a change must be old before a day it reaches is rolled ({@link ClickHouseDayRollup}). */
    public void settleTime(Duration settle) {
        days.settle(settle);
    }

    /** Test seam: how many reads of stored day rows were sent to the server (days read before are not read again). */
    long storedDayReads() {
        return days.storedReads();
    }

    /**
     * Test seam: how long {@code day_changes} rows are kept beyond what the roll consumed for builds running beside it
     * ({@link ClickHouseDayRollup#LONGEST_BUILD}).
     */
    public void longestBuild(Duration longest) {
        days.longestBuild(longest);
    }

    /**
     * The sites with events written since the day rollup exists: what its schedule rolls. Those with rolled days too,
     * as the roll trims the changes it consumed: a site gone quiet still gets its ended days rolled.
     */
    List<String> rolledSites() {
        return query(
                "SELECT DISTINCT site_id FROM (SELECT site_id FROM day_changes UNION ALL SELECT site_id FROM"
                        + " day_rollup_days) ORDER BY site_id",
                List.of(),
                (rs, n) -> rs.getString(1));
    }

    @EventListener
    void onWebsiteDeleted(WebsiteDeleted deleted) {
        deleteSite(deleted.websiteId());
    }

    /**
     * Runs a query. SQL printed by {@link ClickHouseDialect} has no placeholders; hand-written SQL with {@code ?}
     * placeholders gets each value as a literal escaped by the dialect, never concatenated by the caller.
     */
    @Override
    public <T> List<T> query(String sql, List<?> parameters, RowMapper<T> rows) {
        String text = parameters.isEmpty() ? sql : bind(sql, parameters);
        String answer = post(database, text + "\nFORMAT JSONCompact", null, false);
        try {
            JsonNode tree = json.readTree(answer);
            ResultSet rs = ClickHouseRows.of(tree);
            List<T> out = new ArrayList<>();
            int n = 0;
            while (rs.next()) out.add(rows.mapRow(rs, n++));
            return out;
        } catch (SQLException | RuntimeException e) {
            throw new EventStoreException("Reading the answer of ClickHouse failed: " + e.getMessage(), e);
        }
    }

    /** Replaces each {@code ?} outside string literals with the next value as a ClickHouse literal. */
    static String bind(String sql, List<?> parameters) {
        StringBuilder out = new StringBuilder(sql.length() + 32 * parameters.size());
        int next = 0;
        boolean quoted = false;
        for (int i = 0; i < sql.length(); i++) {
            char c = sql.charAt(i);
            if (quoted) {
                out.append(c);
                if (c == '\\' && i + 1 < sql.length()) {
                    out.append(sql.charAt(++i));
                } else if (c == '\'') {
                    quoted = false;
                }
            } else if (c == '\'') {
                quoted = true;
                out.append(c);
            } else if (c == '?') {
                if (next >= parameters.size()) throw new IllegalArgumentException("more ? than values in " + sql);
                Object v = parameters.get(next++);
                if (v instanceof java.time.OffsetDateTime t) v = t.toInstant();
                out.append(v == null ? "NULL" : ClickHouseDialect.literal(v));
            } else {
                out.append(c);
            }
        }
        if (next != parameters.size()) throw new IllegalArgumentException("fewer ? than values in " + sql);
        return out.toString();
    }

    private interface Cell<T> {
        T read(ResultSet rs) throws SQLException;
    }

    private <T> T single(String sql, Cell<T> cell) {
        return query(sql, List.of(), (rs, n) -> cell.read(rs)).get(0);
    }

    // ---------------------------------------------------------------- HTTP

    /** A statement without rows to read; answered only when it has finished (on a cluster: on every host). */
    private void execute(String db, String statement) {
        post(db, statement, null, true);
    }

    /** A statement of the day rollup, in this store's database. */
    void execute(String statement) {
        execute(database, statement);
    }

    /** RowBinary rows for all columns of {@code table}, in one INSERT. */
    void insertRows(String table, byte[] rows) {
        post(database, "INSERT INTO " + table + " FORMAT RowBinary", rows, false);
    }

    /**
     * POSTs a statement; with {@code rows}, the statement goes in the URL and the rows are the body (INSERT). Settings:
     * {@code join_use_nulls} gives SQL's NULLs to the unmatched side of a LEFT JOIN, which the query trees rely on.
     * On a cluster, {@code insert_distributed_sync} makes an INSERT into a Distributed table answer only after every
     * shard stored its rows (otherwise a 200 means "queued on this host", and the watermark would run ahead of what
     * is stored); current releases still accept that name for {@code distributed_foreground_insert}.
     * {@code distributed_product_mode=global} lets a query over a Distributed table filter by a subquery over another
     * (IN/JOIN): the subquery runs once and its rows go to every shard, right however the rows are spread. With
     * {@code waitEnd}, the server answers only when the statement has finished, so an error on any host of an ON
     * CLUSTER statement is an error status, never a 200 followed by the error text.
     */
    private String post(String db, String statement, byte[] rows, boolean waitEnd) {
        HttpRequest.BodyPublisher body = rows == null ? null : HttpRequest.BodyPublishers.ofByteArray(rows);
        return new String(send(db, statement, body, waitEnd), StandardCharsets.UTF_8);
    }

    /**
     * A query's answer in {@code RowBinary} (the values' bytes in column order, read by {@link
     * ClickHouseRowBinary.Answer}): for answers too large to go through text, such as the day rollup's sketches, which
     * as JSON travel as hex (18.16 has no base64) at twice their size and are parsed twice.
     */
    byte[] queryRowBinary(String sql) {
        return send(database, sql + "\nFORMAT RowBinary", null, false);
    }

    private byte[] send(String db, String statement, HttpRequest.BodyPublisher rows, boolean waitEnd) {
        StringBuilder url = new StringBuilder(server.toString()).append("?join_use_nulls=1");
        if (cluster != null) url.append("&insert_distributed_sync=1&distributed_product_mode=global");
        if (waitEnd) url.append("&wait_end_of_query=1");
        if (db != null) url.append("&database=").append(db);
        HttpRequest.BodyPublisher body;
        if (rows == null) {
            body = HttpRequest.BodyPublishers.ofString(statement, StandardCharsets.UTF_8);
        } else {
            url.append("&query=").append(URLEncoder.encode(statement, StandardCharsets.UTF_8));
            body = rows;
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url.toString()))
                .timeout(TIMEOUT)
                .POST(body);
        if (authorization != null) request.header("Authorization", authorization);
        try {
            HttpResponse<byte[]> response;
            try {
                response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (IOException stale) {
                // ClickHouse closes a kept-alive connection after 3 idle seconds (keep_alive_timeout) and the JDK's
                // client may send on it just then; a read is safe to send again once, writes go through recovery.
                if (rows != null || waitEnd) throw stale;
                response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            }
            if (response.statusCode() != 200) {
                throw new EventStoreException("ClickHouse answered " + response.statusCode() + ": "
                        + new String(response.body(), StandardCharsets.UTF_8).strip());
            }
            return response.body();
        } catch (IOException e) {
            throw new EventStoreException("ClickHouse at " + server + " did not answer: " + describe(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EventStoreException("Interrupted while waiting for ClickHouse", e);
        }
    }
}
