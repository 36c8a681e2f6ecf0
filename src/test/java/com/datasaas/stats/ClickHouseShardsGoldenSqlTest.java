package com.datasaas.stats;

import static org.assertj.core.api.Assertions.assertThat;

import com.datasaas.app.DataSaasProperties;
import com.datasaas.events.ClickHouseEventStore;
import com.datasaas.events.ClickHouseSettings;
import com.datasaas.events.Event;
import com.datasaas.events.TestEvent;
import com.datasaas.support.ClickHouseServer;
import com.datasaas.support.ClickHouseShards;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every ClickHouse golden query (the SQL the dialect prints for each widget) on two shards behind Distributed tables
 * answers exactly as on one server, over the same events: one ClickHouse 18.16 server ({@link ClickHouseServer}) and
 * a cluster of two ({@link ClickHouseShards}), each through the app's store. The events are made to fall in the golden
 * files' site and ranges (site {@code mrf_site}, March 2026) so the queries have rows to get wrong.
 */
class ClickHouseShardsGoldenSqlTest {
    private static final Path GOLDEN = Path.of("src/test/resources/stats/golden/clickhouse");
    private static final String[] PATHS = {"/", "/pricing", "/blog/a", "/docs/%_v1", "/docs/x"};

    @TempDir
    static Path nodes;

    static ClickHouseEventStore oneServer;
    static ClickHouseEventStore sharded;

    @BeforeAll
    static void storeTheSameEventsTwice() {
        String database = "golden_compare_" + ProcessHandle.current().pid();
        oneServer = new ClickHouseEventStore(
                new ClickHouseSettings(ClickHouseServer.shared().url(database), null, null),
                new DataSaasProperties(nodes.resolve("one"), null, null, null, null));
        sharded = new ClickHouseEventStore(
                new ClickHouseSettings(ClickHouseShards.shared().url(database), null, null, ClickHouseShards.CLUSTER),
                new DataSaasProperties(nodes.resolve("sharded"), null, null, null, null));
        List<Event> events = events(new SplittableRandom(7));
        // The same batches on both sides (the order of rows within a part does not change any answer).
        for (int i = 0; i < events.size(); i += 500) {
            List<Event> batch = events.subList(i, Math.min(events.size(), i + 500));
            oneServer.append(batch);
            sharded.append(batch);
        }
    }

    /**
     * 800 sessions of 150 visitors from 6 to 12 March 2026, some crossing the golden ranges' edges, with more than 20
     * values of each breakdown's dimension (the golden breakdowns ask for the third page of ten, the visitor list for
     * visitors 101 to 150). No two events share a second, so a query ordered by time has one right answer.
     */
    static List<Event> events(SplittableRandom random) {
        List<Event> out = new ArrayList<>();
        Instant first = Instant.parse("2026-03-06T00:00:00Z");
        java.util.Set<Instant> taken = new java.util.HashSet<>();
        for (int s = 0; s < 800; s++) {
            String visitor = "v" + random.nextInt(150);
            Instant t = first.plusSeconds(random.nextLong(6 * 86_400));
            int n = 1 + random.nextInt(6);
            String country = random.nextInt(4) == 0 ? "US" : "C" + random.nextInt(30);
            String referrer =
                    random.nextInt(3) == 0 ? null : random.nextBoolean() ? "Google" : "R" + random.nextInt(30);
            int width = random.nextBoolean() ? 400 : 300 + 10 * random.nextInt(150);
            for (int e = 0; e < n; e++) {
                while (!taken.add(t)) t = t.plusSeconds(1);
                String ts = t.toString();
                String path = random.nextInt(3) == 0 ? PATHS[random.nextInt(PATHS.length)] : "/p" + random.nextInt(40);
                TestEvent event = switch (random.nextInt(8)) {
                    case 0 ->
                        TestEvent.goal(
                                "mrf_site",
                                ts,
                                visitor,
                                "s" + s,
                                random.nextBoolean() ? "signup" : "g" + random.nextInt(30));
                    case 1 ->
                        TestEvent.leave("mrf_site", ts, visitor, "s" + s, random.nextInt(60_000), random.nextInt(101));
                    default -> TestEvent.pageview("mrf_site", ts, visitor, "s" + s, path);
                };
                out.add(event.path(path)
                        .country(country)
                        .screenWidth(width)
                        .referrerSource(referrer)
                        .referrerDomain(referrer == null ? null : referrer.toLowerCase() + ".example")
                        .build());
                t = t.plusSeconds(1 + random.nextInt(900));
            }
        }
        return out;
    }

    @TestFactory
    Stream<DynamicTest> every_golden_query_answers_on_two_shards_as_on_one_server() throws IOException {
        List<Path> files;
        try (Stream<Path> list = Files.list(GOLDEN)) {
            files = list.filter(p -> p.toString().endsWith(".sql")).sorted().toList();
        }
        assertThat(files).as("golden files in " + GOLDEN).isNotEmpty();
        List<String> withRows = new ArrayList<>();
        Stream<DynamicTest> each = files.stream()
                .map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
                    String sql = Files.readString(file, StandardCharsets.UTF_8);
                    List<String> one = rows(oneServer, sql);
                    List<String> two = rows(sharded, sql);
                    assertThat(two).as(file.getFileName() + " on two shards").isEqualTo(one);
                    if (!one.isEmpty() && !one.equals(List.of("[0]")))
                        withRows.add(file.getFileName().toString());
                }));
        Stream<DynamicTest> meaningful = Stream.of(DynamicTest.dynamicTest("most queries had rows to compare", () -> {
            System.out.printf(
                    "golden queries with rows on both: %d of %d %s%n", withRows.size(), files.size(), withRows);
            assertThat(withRows.size()).isGreaterThanOrEqualTo(files.size() / 2);
        }));
        return Stream.concat(each, meaningful);
    }

    /** The answer's rows as text, sorted where the query sets no order (shards answer in any order). */
    private static List<String> rows(ClickHouseEventStore store, String sql) {
        List<String> rows = store.query(sql, List.of(), (rs, n) -> {
            List<Object> row = new ArrayList<>();
            for (int c = 1; c <= rs.getMetaData().getColumnCount(); c++) {
                Object v = rs.getObject(c);
                row.add(v instanceof Double d ? Math.round(d * 1e9) / 1e9 : v);
            }
            return row.toString();
        });
        if (!sql.matches("(?s).*\\bORDER BY\\b(?!.*\\bFROM\\b).*"))
            rows = rows.stream().sorted().toList();
        return rows;
    }
}
