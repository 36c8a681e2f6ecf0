package com.datasaas.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.datasaas.app.DataSaasProperties;
import com.datasaas.events.DuckDbEventStore;
import com.datasaas.events.Event;
import com.datasaas.events.EventFields;
import com.datasaas.events.EventType;
import com.datasaas.events.SpooledEvent;
import com.datasaas.events.SpooledRecords;
import com.datasaas.events.TestEvent;
import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.sql.ResultSetMetaData;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * The store writer hands DuckDB the spool records' bytes ({@link SpoolRecord#fields}) instead of decoded events: the
 * stored rows must be exactly those of the decoded events, for every field, every event type, texts beyond ASCII,
 * records of an older release with fewer fields and the JSON records of earlier releases.
 */
class SpooledRecordsStoreTest {
    @TempDir
    Path dir;

    /** Records as the spool holds them, and beside each the event {@link SpoolRecord#decode} reads from it. */
    private static List<byte[]> payloads() throws ReflectiveOperationException {
        List<byte[]> out = new ArrayList<>();
        out.add(SpoolRecord.encode(SpoolRecordTest.everyFieldSet()));
        out.add(SpoolRecord.encode(SpoolRecordTest.sparse()));
        RecordComponent[] components = Event.class.getRecordComponents();
        Class<?>[] types =
                Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new);
        Event full = SpoolRecordTest.everyFieldSet();
        for (EventType type : EventType.values()) {
            Object[] values = new Object[components.length];
            for (int i = 0; i < components.length; i++) {
                Class<?> t = components[i].getType();
                if (t == EventType.class) values[i] = type;
                else if (t == String.class) values[i] = i % 3 == 0 ? "" : "\uD83D\uDE80 \u00fc\u00df " + type + i;
                else values[i] = components[i].getAccessor().invoke(full);
            }
            out.add(SpoolRecord.encode(Event.class.getDeclaredConstructor(types).newInstance(values)));
        }
        byte[] sparse = SpoolRecord.encode(SpoolRecordTest.sparse());
        byte[] older = Arrays.copyOf(sparse, sparse.length - 1); // a release before target_url
        older[1] = (byte) (SpoolRecord.FIELDS - 1);
        out.add(older);
        byte[] withoutKeys = Arrays.copyOf(sparse, sparse.length);
        withoutKeys[1] = 6; // only up to session id: the keys read as 0, everything after as absent
        out.add(withoutKeys);
        out.add(JsonMapper.builder().build().writeValueAsBytes(full)); // an earlier release's JSON record
        return out;
    }

    private List<List<Object>> stored(DuckDbEventStore store) {
        return store.query("SELECT * FROM events ORDER BY event_id", List.of(), (rs, n) -> {
            ResultSetMetaData meta = rs.getMetaData();
            List<Object> row = new ArrayList<>();
            for (int c = 1; c <= meta.getColumnCount(); c++) {
                Object v = rs.getObject(c);
                row.add(meta.getColumnName(c) + "="
                        + (v == null ? "NULL" : v.getClass().getSimpleName() + ":" + v));
            }
            return row;
        });
    }

    @Test
    void the_records_bytes_store_the_same_rows_as_the_decoded_events() throws Exception {
        List<byte[]> payloads = payloads();
        List<Spool.Record> records = new ArrayList<>();
        List<SpooledEvent> decoded = new ArrayList<>();
        for (int i = 0; i < payloads.size(); i++) {
            records.add(new Spool.Record(100 + i, payloads.get(i)));
            decoded.add(new SpooledEvent(100 + i, SpoolRecord.decode(payloads.get(i))));
        }
        DuckDbEventStore fromEvents =
                new DuckDbEventStore(new DataSaasProperties(dir.resolve("a"), null, null, null, null));
        DuckDbEventStore fromBytes =
                new DuckDbEventStore(new DataSaasProperties(dir.resolve("b"), null, null, null, null));
        try {
            fromEvents.appendSpooled(decoded);
            fromBytes.appendSpooled(new WriteBuffer.Batch(records));
            List<List<Object>> expected = stored(fromEvents);
            assertThat(expected).hasSize(payloads.size());
            assertThat(stored(fromBytes)).isEqualTo(expected);
            assertThat(fromBytes.spoolWatermark()).isEqualTo(100 + payloads.size() - 1);
        } finally {
            fromEvents.close();
            fromBytes.close();
        }
    }

    @Test
    void a_record_that_does_not_read_is_refused_by_the_walk_as_by_decode() {
        byte[] cut = Arrays.copyOf(SpoolRecord.encode(SpoolRecordTest.sparse()), 20);
        assertThatThrownBy(() -> SpoolRecord.fields(cut, SpoolRecordTest.NOWHERE))
                .isInstanceOf(SpooledRecords.Unreadable.class);
        assertThatThrownBy(() -> SpoolRecord.fields(new byte[] {7, 1, 2}, SpoolRecordTest.NOWHERE))
                .isInstanceOf(SpooledRecords.Unreadable.class);
        byte[] unknownType = SpoolRecord.encode(TestEvent.bare("s", Instant.EPOCH, EventType.PAGEVIEW, null, null)
                .visitorKey(0)
                .sessionKey(0)
                .build());
        String text = new String(unknownType, java.nio.charset.StandardCharsets.ISO_8859_1)
                .replace(
                        EventType.PAGEVIEW.wireName(),
                        "x".repeat(EventType.PAGEVIEW.wireName().length()));
        byte[] foreign = text.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        assertThatThrownBy(() -> SpoolRecord.decode(foreign)).isInstanceOf(SpooledRecords.Unreadable.class);
        assertThatThrownBy(() -> SpoolRecord.fields(foreign, SpoolRecordTest.NOWHERE))
                .isInstanceOf(SpooledRecords.Unreadable.class)
                .hasMessageContaining("unknown event type");
    }

    /** Records that do not read, each failing at another point of the walk; none of them is {@code payloads()}'s. */
    private static List<byte[]> unreadable() {
        List<byte[]> out = new ArrayList<>();
        byte[] whole = SpoolRecord.encode(SpoolRecordTest.sparse());
        out.add(Arrays.copyOf(whole, 40)); // cut after a few fields: the appender has part of its row
        out.add(new byte[] {7, 1, 2}); // not a record at all: fails before its first field
        byte[] noType = Arrays.copyOf(whole, whole.length);
        noType[1] = 2; // site and timestamp only: no event type
        out.add(noType);
        out.add("{\"siteId\": ".getBytes(java.nio.charset.StandardCharsets.UTF_8)); // an earlier release's JSON, cut
        return out;
    }

    @Test
    void a_record_that_does_not_read_in_the_middle_of_a_batch_is_skipped_once_and_the_rest_stored_exactly_once()
            throws Exception {
        List<byte[]> good = payloads();
        List<byte[]> bad = unreadable();
        List<Spool.Record> records = new ArrayList<>();
        List<SpooledEvent> decoded = new ArrayList<>();
        List<Long> badIds = new ArrayList<>();
        long id = 100;
        for (int i = 0; i < good.size(); i++) {
            if (i % 3 == 1 && i / 3 < bad.size()) { // between good records, each of them
                badIds.add(id);
                records.add(new Spool.Record(id++, bad.get(i / 3)));
            }
            decoded.add(new SpooledEvent(id, SpoolRecord.decode(good.get(i))));
            records.add(new Spool.Record(id++, good.get(i)));
        }
        long lastGood = id - 1;
        badIds.add(id);
        records.add(new Spool.Record(id, bad.get(0))); // and one last, so the batch ends in part of a row
        assertThat(badIds).hasSize(bad.size() + 1);

        Logger logger = (Logger) LoggerFactory.getLogger(WriteBuffer.class);
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        logger.addAppender(logged);
        DuckDbEventStore fromEvents =
                new DuckDbEventStore(new DataSaasProperties(dir.resolve("a"), null, null, null, null));
        DuckDbEventStore fromBytes =
                new DuckDbEventStore(new DataSaasProperties(dir.resolve("b"), null, null, null, null));
        try {
            fromEvents.appendSpooled(decoded);
            WriteBuffer.Batch batch = new WriteBuffer.Batch(records);
            fromBytes.appendSpooled(batch);
            fromBytes.appendSpooled(batch); // a retry of a batch that did commit (replay after a crash)
            List<List<Object>> expected = stored(fromEvents);
            assertThat(expected).hasSize(good.size());
            assertThat(stored(fromBytes)).isEqualTo(expected);
            assertThat(fromBytes.spoolWatermark()).isEqualTo(lastGood);
            assertThat(batch.unreadableIds()).isEqualTo(badIds);
            assertThat(logged.list)
                    .extracting(ILoggingEvent::getFormattedMessage)
                    .hasSize(badIds.size())
                    .allSatisfy(m -> assertThat(m).contains("cannot be read as an event and is skipped"));
            assertThat(logged.list).extracting(e -> e.getArgumentArray()[0]).containsExactlyElementsOf(badIds);
        } finally {
            logger.detachAppender(logged);
            fromEvents.close();
            fromBytes.close();
        }
    }

    @Test
    void a_failing_store_is_not_taken_for_a_record_that_does_not_read() {
        WriteBuffer.Batch batch =
                new WriteBuffer.Batch(List.of(new Spool.Record(1, SpoolRecord.encode(SpoolRecordTest.sparse()))));
        EventFields failing = new SpoolRecordTest.Nowhere() {
            @Override
            public void text(byte[] bytes, int offset, int length) {
                throw new IllegalArgumentException("the appender refused a text");
            }
        };
        assertThatThrownBy(() -> batch.fields(0, failing))
                .isInstanceOf(IllegalArgumentException.class)
                .isNotInstanceOf(SpooledRecords.Unreadable.class);
        assertThat(batch.unreadableIds()).isEmpty();
    }
}
