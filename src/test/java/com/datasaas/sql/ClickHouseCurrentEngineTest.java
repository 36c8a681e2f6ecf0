package com.datasaas.sql;

import static org.assertj.core.api.Assertions.assertThat;

import com.datasaas.support.ChDb;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The ClickHouse DDL and every ClickHouse golden query, run on a current ClickHouse (26.x, chDB in this JVM; see
 * {@link ChDb}). Debian's server is 18.16, so this is what proves the same SQL parses, analyses and executes on the
 * releases users run. Generic over the two folders: a new DDL or golden file is picked up without a code change.
 *
 * <p>The schema is applied file by file in name order into a fresh database; each table then gets random rows
 * ({@code generateRandom}, fixed seed) so every query really reads data rather than only being planned; then each
 * golden file is one dynamic test, failing with the file's name and ClickHouse's own message.
 */
class ClickHouseCurrentEngineTest {
    static final Path DDL = Path.of("src/main/resources/db/clickhouse");
    static final Path GOLDEN = Path.of("src/test/resources/stats/golden/clickhouse");
    static final int ROWS_PER_TABLE = 2_000;
    /** Engine arguments that must hold a sign (+1/-1) or a 0/1 flag; random bytes there are not a valid row. */
    static final Pattern SIGN_ENGINE = Pattern.compile("^(?:Versioned)?CollapsingMergeTree\\((\\w+)");

    static final Pattern IS_DELETED_ENGINE = Pattern.compile("^ReplacingMergeTree\\(\\w+,\\s*(\\w+)");

    static ChDb engine;
    static String database;

    @BeforeAll
    static void applySchema() {
        long start = System.nanoTime();
        engine = ChDb.shared();
        System.out.printf(
                "chDB %s: library loaded and engine booted in %d ms (first use in this JVM pays it)%n",
                engine.query("SELECT version()").strip(), engine.loadMillis());
        database = "current_engine_" + ProcessHandle.current().pid() + "_" + System.nanoTime();
        engine.query("CREATE DATABASE " + database);
        List<Path> ddl = sqlFiles(DDL);
        assertThat(ddl)
                .as("ClickHouse DDL files in " + DDL + " (none found: the test would prove nothing)")
                .isNotEmpty();
        for (Path file : ddl) {
            run(file, text(file));
        }
        int tables = fillTables(
                sqlFiles(GOLDEN).stream().map(ClickHouseCurrentEngineTest::text).toList());
        System.out.printf(
                "chDB: %d DDL files applied, %d tables filled with %d random rows each in %d ms%n",
                ddl.size(), tables, ROWS_PER_TABLE, (System.nanoTime() - start) / 1_000_000);
    }

    @Test
    void the_golden_folder_holds_queries() {
        assertThat(sqlFiles(GOLDEN))
                .as("ClickHouse golden SQL files in " + GOLDEN + " (none found: the test would prove nothing)")
                .isNotEmpty();
    }

    @TestFactory
    Stream<DynamicTest> every_golden_query_executes_on_a_current_clickhouse() {
        return sqlFiles(GOLDEN).stream()
                .map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
                    long start = System.nanoTime();
                    String output = run(file, text(file));
                    System.out.printf(
                            "chDB: %s ran in %d ms, %d result lines%n",
                            file.getFileName(),
                            (System.nanoTime() - start) / 1_000_000,
                            output.lines().count());
                }));
    }

    /** Runs one file's SQL in the test database; a refusal fails with the file and ClickHouse's message. */
    static String run(Path file, String sql) {
        try {
            engine.query("USE " + database);
            return engine.query(sql);
        } catch (ChDb.QueryFailed e) {
            throw new AssertionError(file + " failed on ClickHouse (chDB): " + e.getMessage(), e);
        }
    }

    /**
     * Rows in every ordinary table the DDL made (views and distributed tables read from those), shaped so the golden
     * queries find some: times fall between the earliest and latest time literal of the golden files, strings are
     * drawn from their string literals (site ids, event types, goal names), integers are small so keys join. The
     * rest comes from {@code generateRandom} with a fixed seed. Columns with a DEFAULT/MATERIALIZED/ALIAS expression
     * are left to it; a collapsing table's sign and a replacing table's is-deleted flag get valid values. A table of
     * aggregate states ({@code AggregateFunction} columns; random bytes are no valid state) gets its rows from the
     * materialized view that feeds it, when the table it reads is filled (tables are filled in name order).
     */
    static int fillTables(List<String> goldenSql) {
        Literals literals = Literals.of(goldenSql);
        String tables = engine.query(
                "SELECT name, engine_full FROM system.tables WHERE database = '" + database
                        + "' AND (engine LIKE '%MergeTree' OR engine IN ('Memory', 'Log', 'TinyLog', 'StripeLog'))"
                        + " AND name NOT IN (SELECT table FROM system.columns WHERE database = '" + database
                        + "' AND type LIKE 'AggregateFunction(%')"
                        + " ORDER BY name",
                "TabSeparatedRaw");
        int filled = 0;
        for (String line : tables.lines().toList()) {
            String[] fields = line.split("\t", 2);
            String table = fields[0];
            String engineFull = fields.length > 1 ? fields[1] : "";
            String sign = argument(SIGN_ENGINE, engineFull);
            String isDeleted = argument(IS_DELETED_ENGINE, engineFull);
            List<String> names = new ArrayList<>();
            List<String> structure = new ArrayList<>();
            List<String> select = new ArrayList<>();
            String columns = engine.query(
                    "SELECT name, type FROM system.columns WHERE database = '" + database + "' AND table = '" + table
                            + "' AND default_kind = '' ORDER BY position",
                    "TabSeparatedRaw");
            for (String column : columns.lines().toList()) {
                String[] c = column.split("\t", 2);
                String name = "`" + c[0] + "`";
                names.add(name);
                structure.add(name + " " + c[1]);
                int salt = names.size();
                String value = c[0].equals(sign)
                        ? "if(rand(" + salt + ") % 2 = 0, 1, -1)"
                        : c[0].equals(isDeleted) ? "0" : literals.valueFor(c[1], salt);
                select.add((value == null ? name : value) + " AS " + name);
            }
            String insert = "INSERT INTO " + database + ".`" + table + "` (" + String.join(", ", names) + ") SELECT "
                    + String.join(", ", select) + " FROM generateRandom('"
                    + String.join(", ", structure).replace("\\", "\\\\").replace("'", "\\'")
                    + "', 42, 12, 3) LIMIT " + ROWS_PER_TABLE;
            run(Path.of("rows for table " + table), insert);
            filled++;
        }
        return filled;
    }

    private static String argument(Pattern engine, String engineFull) {
        Matcher m = engine.matcher(engineFull);
        return m.find() ? m.group(1) : null;
    }

    /** The string and time literals of the golden files, to make rows their filters select. */
    record Literals(List<String> strings, long firstSecond, long lastSecond) {
        private static final Pattern STRING = Pattern.compile("'((?:[^'\\\\]|\\\\.)*)'");
        private static final Pattern TIME = Pattern.compile("^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}$");
        private static final DateTimeFormatter SECONDS =
                DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

        static Literals of(List<String> sql) {
            List<String> strings = new ArrayList<>();
            long first = Long.MAX_VALUE;
            long last = Long.MIN_VALUE;
            for (String text : sql) {
                Matcher m = STRING.matcher(text);
                while (m.find()) {
                    String literal = m.group(1);
                    if (TIME.matcher(literal).matches()) {
                        long second = Instant.from(SECONDS.parse(literal)).getEpochSecond();
                        first = Math.min(first, second);
                        last = Math.max(last, second);
                    } else if (!strings.contains(m.group())) {
                        strings.add(m.group());
                    }
                }
            }
            if (first > last) {
                last = Instant.now().getEpochSecond();
                first = last - 7 * 86_400;
            }
            if (strings.isEmpty()) strings.add("''");
            // a day either side, so sessions cross the range's edges
            return new Literals(strings, first - 86_400, last + 86_400);
        }

        /** An expression for a column of this ClickHouse type, or null to keep generateRandom's value. */
        String valueFor(String type, int salt) {
            boolean nullable = type.startsWith("Nullable(");
            String inner = nullable ? type.substring("Nullable(".length(), type.length() - 1) : type;
            inner = inner.replaceFirst("^LowCardinality\\((.*)\\)$", "$1");
            String value;
            if (inner.startsWith("DateTime") || inner.equals("Date") || inner.equals("Date32")) {
                value = "toDateTime(" + firstSecond + " + rand(" + salt + ") % " + (lastSecond - firstSecond + 1)
                        + ", 'UTC')";
            } else if (inner.equals("String")) {
                value = "[" + String.join(", ", strings) + "][rand(" + salt + ") % " + strings.size() + " + 1]";
            } else if (inner.matches("U?Int(8|16|32|64)")) {
                value = "rand(" + salt + ") % 100";
            } else {
                return null;
            }
            return nullable ? "if(rand(" + (salt + 1000) + ") % 10 = 0, NULL, " + value + ")" : value;
        }
    }

    /**
     * Migration 5 rebuilds day_rollup in smaller granules: on a current ClickHouse too, a database at version 4 keeps
     * every row, byte for byte, and running the migration a second time (a start that stopped before recording the
     * version runs it again) changes nothing.
     */
    @Test
    void migration_5_keeps_every_day_rollup_row_and_may_run_again() {
        String db = "day_rollup_granules_" + ProcessHandle.current().pid() + "_" + System.nanoTime();
        engine.query("CREATE DATABASE " + db);
        List<Path> ddl = sqlFiles(DDL);
        Path five = ddl.stream()
                .filter(p -> p.getFileName().toString().startsWith("V5__"))
                .findFirst()
                .orElseThrow();
        engine.query("USE " + db);
        for (Path file : ddl.subList(0, ddl.indexOf(five))) engine.query(text(file));
        // Days within two months: a real table holds a few monthly partitions, and one INSERT takes at most 100.
        engine.query("INSERT INTO day_rollup SELECT * REPLACE (toDate('2026-11-01') + version % 60 AS day)"
                + " FROM generateRandom((SELECT arrayStringConcat(groupArray(name"
                + " || ' ' || type), ', ') FROM system.columns WHERE database = '" + db + "' AND table ="
                + " 'day_rollup'), 5, 64, 4) LIMIT 20000");
        String rows = "SELECT count(), sum(cityHash64(*)) FROM day_rollup";
        String before = engine.query(rows);
        assertThat(before).startsWith("20000\t");
        for (int run = 1; run <= 2; run++) {
            engine.query("USE " + db);
            engine.query(text(five));
            assertThat(engine.query(rows)).as("run " + run).isEqualTo(before);
            assertThat(engine.query("SELECT engine_full FROM system.tables WHERE database = '" + db
                            + "' AND name = 'day_rollup'"))
                    .as("run " + run)
                    .contains("index_granularity = 256");
            assertThat(engine.query("SELECT name FROM system.tables WHERE database = '" + db
                            + "' AND name LIKE 'day_rollup%' ORDER BY name"))
                    .as("run " + run + ": no copy left behind")
                    .isEqualTo("day_rollup\nday_rollup_days\n");
        }
    }

    static List<Path> sqlFiles(Path dir) {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".sql"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static String text(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
