package com.datasaas.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datasaas.events.Event;
import com.datasaas.events.EventFields;
import com.datasaas.events.EventType;
import com.datasaas.events.TestEvent;
import java.lang.reflect.RecordComponent;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** Spool records keep every field of an event, read the JSON records of earlier releases, and refuse garbage. */
class SpoolRecordTest {
    /** Takes every field and keeps nothing: {@link SpoolRecord#fields} with it only walks a record. */
    static class Nowhere implements EventFields {
        @Override
        public void text(byte[] bytes, int offset, int length) {}

        @Override
        public void absent() {}

        @Override
        public void timestamp(long epochSecond, int nanos) {}

        @Override
        public void int64(long value) {}

        @Override
        public void int32(int value) {}

        @Override
        public void float64(double value) {}
    }

    static final EventFields NOWHERE = new Nowhere();

    /** An event whose every field is set, each to a value no other field has: a forgotten field cannot pass. */
    static Event everyFieldSet() throws ReflectiveOperationException {
        RecordComponent[] components = Event.class.getRecordComponents();
        Object[] values = new Object[components.length];
        for (int i = 0; i < components.length; i++) {
            Class<?> type = components[i].getType();
            if (type == String.class) values[i] = components[i].getName() + " \u00e9\u2713 " + i;
            else if (type == Instant.class) values[i] = Instant.ofEpochSecond(1_800_000_000L + i, 123_456_789);
            else if (type == EventType.class) values[i] = EventType.LEAVE;
            else if (type == long.class || type == Long.class) values[i] = -1_000_000_007L * (i + 1);
            else if (type == Integer.class) values[i] = 1_000 + i;
            else if (type == Double.class) values[i] = -12.345678 - i;
            else throw new AssertionError("SpoolRecordTest does not know the type of Event." + components[i].getName());
        }
        Class<?>[] types =
                Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new);
        return Event.class.getDeclaredConstructor(types).newInstance(values);
    }

    static Event sparse() {
        return TestEvent.bare("site", Instant.parse("2026-11-29T12:00:00Z"), EventType.PAGEVIEW, "v", "s")
                .visitorKey(0)
                .sessionKey(Long.MIN_VALUE)
                .url("https://example.com/")
                .hostname("example.com")
                .path("/")
                .channel("Direct")
                .deviceType("desktop")
                .browser("Firefox")
                .browserVersion("133")
                .os("Linux")
                .build();
    }

    @Test
    void every_field_survives_the_round_trip() throws ReflectiveOperationException {
        assertThat(SpoolRecord.FIELDS)
                .as("SpoolRecord writes every field of Event (a new field goes at the end of both)")
                .isEqualTo(Event.class.getRecordComponents().length);
        Event full = everyFieldSet();
        assertThat(SpoolRecord.decode(SpoolRecord.encode(full))).isEqualTo(full);
        assertThat(SpoolRecord.decode(SpoolRecord.encode(sparse()))).isEqualTo(sparse());
    }

    @Test
    void every_event_type_survives_the_round_trip_including_the_internal_identify()
            throws ReflectiveOperationException {
        RecordComponent[] components = Event.class.getRecordComponents();
        Class<?>[] types =
                Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new);
        for (EventType type : EventType.values()) {
            Object[] values = new Object[components.length];
            for (int i = 0; i < components.length; i++) {
                values[i] = components[i].getType() == EventType.class
                        ? type
                        : components[i].getAccessor().invoke(sparse());
            }
            Event event = Event.class.getDeclaredConstructor(types).newInstance(values);
            assertThat(SpoolRecord.decode(SpoolRecord.encode(event)))
                    .as(type.name())
                    .isEqualTo(event);
        }
    }

    @Test
    void the_json_records_of_earlier_releases_are_still_read() throws ReflectiveOperationException {
        JsonMapper json = JsonMapper.builder().build(); // what WriteBuffer wrote before the binary format
        Event full = everyFieldSet();
        assertThat(SpoolRecord.decode(json.writeValueAsBytes(full))).isEqualTo(full);
    }

    @Test
    void a_record_with_fewer_fields_reads_the_missing_ones_as_absent() {
        Event event = sparse(); // target_url, the last field, is null: one byte at the end
        byte[] bytes = SpoolRecord.encode(event);
        assertThat(bytes[1]).isEqualTo((byte) SpoolRecord.FIELDS);
        byte[] older = Arrays.copyOf(bytes, bytes.length - 1);
        older[1] = (byte) (SpoolRecord.FIELDS - 1);
        assertThat(SpoolRecord.decode(older)).isEqualTo(event);
    }

    @Test
    void bytes_that_are_no_record_are_refused() {
        assertThatThrownBy(() -> SpoolRecord.decode(new byte[] {7, 1, 2})).isInstanceOf(IllegalArgumentException.class);
        byte[] cut = SpoolRecord.encode(sparse());
        assertThatThrownBy(() -> SpoolRecord.decode(Arrays.copyOf(cut, 20)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
