package com.datasaas.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datasaas.app.DataSaasProperties;
import com.datasaas.events.DuckDbEventStore;
import com.datasaas.events.Event;
import com.datasaas.events.EventType;
import com.datasaas.events.SpooledEvent;
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
        assertThatThrownBy(() -> SpoolRecord.fields(cut, SpoolRecord.CHECK))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SpoolRecord.fields(new byte[] {7, 1, 2}, SpoolRecord.CHECK))
                .isInstanceOf(IllegalArgumentException.class);
        byte[] unknownType = SpoolRecord.encode(TestEvent.bare("s", Instant.EPOCH, EventType.PAGEVIEW, null, null)
                .visitorKey(0)
                .sessionKey(0)
                .build());
        String text = new String(unknownType, java.nio.charset.StandardCharsets.ISO_8859_1)
                .replace(
                        EventType.PAGEVIEW.wireName(),
                        "x".repeat(EventType.PAGEVIEW.wireName().length()));
        byte[] foreign = text.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        assertThatThrownBy(() -> SpoolRecord.decode(foreign)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SpoolRecord.fields(foreign, SpoolRecord.CHECK))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown event type");
    }
}
