package com.datasaas.ingest;

import com.datasaas.events.Event;
import com.datasaas.events.EventFields;
import com.datasaas.events.EventType;
import com.datasaas.events.SpooledRecords.Unreadable;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import tools.jackson.databind.json.JsonMapper;

/**
 * The payload of a spool record: one {@link Event} in a compact binary form. It replaced the event as JSON, whose
 * writing on the request path and reading on the store writer took about a quarter of the CPU samples under load
 * (JFR, docs/benchmarks.md).
 *
 * <p>Format: the byte {@link #BINARY}, the number of fields that follow, then {@link Event}'s fields in declaration
 * order. A text is a varint of its UTF-8 length plus one (0 for null) and the bytes; a nullable number is a presence
 * byte and the value; a timestamp is epoch seconds and nanos; the event type is its wire name. A reader takes fields
 * it does not know about as absent, so <b>a new field of {@link Event} goes at its end</b> (like a new column of
 * {@code events}) and a spool written by the previous release still replays. Records that start with {@code '{'} are
 * the JSON of releases before this format and are still read.
 */
final class SpoolRecord {
    /** First byte of a binary record; JSON records start with '{'. */
    static final byte BINARY = 1;
    /**
     * Fields {@link #encode} writes. A literal, not {@code Event}'s component count, so a field added to {@link Event}
     * but not here can never make the count claim more fields than the record holds; {@code SpoolRecordTest} fails
     * until both agree.
     */
    static final int FIELDS = 38;

    /** Spool records of earlier releases: the event as JSON. */
    private static final JsonMapper LEGACY_JSON = JsonMapper.builder().build();

    private SpoolRecord() {}

    static byte[] encode(Event e) {
        Writer w = new Writer();
        w.b(BINARY);
        w.varint(FIELDS);
        w.text(e.siteId());
        w.instant(e.timestamp());
        w.text(e.type().wireName());
        w.text(e.visitorId());
        w.text(e.sessionId());
        w.int64(e.visitorKey());
        w.int64(e.sessionKey());
        w.text(e.goalName());
        w.text(e.url());
        w.text(e.hostname());
        w.text(e.pathname());
        w.text(e.title());
        w.text(e.referrer());
        w.text(e.referrerDomain());
        w.text(e.referrerSource());
        w.text(e.channel());
        w.text(e.utmSource());
        w.text(e.utmMedium());
        w.text(e.utmCampaign());
        w.text(e.utmTerm());
        w.text(e.utmContent());
        w.text(e.clickIds());
        w.int32(e.screenWidth());
        w.text(e.language());
        w.text(e.deviceType());
        w.text(e.browser());
        w.text(e.browserVersion());
        w.text(e.os());
        w.text(e.osVersion());
        w.text(e.country());
        w.text(e.region());
        w.text(e.city());
        w.float64(e.latitude());
        w.float64(e.longitude());
        w.text(e.metadata());
        w.int64(e.durationMs());
        w.int32(e.scrollDepth());
        w.text(e.targetUrl());
        return w.bytes();
    }

    /**
     * Reads a record written by {@link #encode}, or the JSON of an earlier release.
     *
     * @throws Unreadable when the bytes are neither
     */
    static Event decode(byte[] payload) {
        if (payload.length > 0 && payload[0] == '{') return LEGACY_JSON.readValue(payload, Event.class);
        if (payload.length == 0 || payload[0] != BINARY) {
            throw new Unreadable("not a spool record (first byte " + (payload.length == 0 ? "none" : payload[0]) + ")");
        }
        Reader r = new Reader(payload, 1);
        r.fields = r.varint();
        String siteId = r.text();
        Instant timestamp = r.instant();
        String wireType = r.text();
        EventType type =
                EventType.fromStoredName(wireType).orElseThrow(() -> new Unreadable("unknown event type " + wireType));
        Event event = new Event(
                siteId,
                timestamp,
                type,
                r.text(),
                r.text(),
                r.int64(),
                r.int64(),
                r.text(),
                r.text(),
                r.text(),
                r.text(),
                r.text(),
                r.text(),
                r.text(),
                r.text(),
                r.text(),
                r.text(),
                r.text(),
                r.text(),
                r.text(),
                r.text(),
                r.text(),
                r.int32(),
                r.text(),
                r.text(),
                r.text(),
                r.text(),
                r.text(),
                r.text(),
                r.text(),
                r.text(),
                r.text(),
                r.float64(),
                r.float64(),
                r.text(),
                r.nullableInt64(),
                r.int32(),
                r.text());
        // Bytes left over are fields of a later release (a downgrade with a full spool): not ours to guess at.
        return event;
    }

    /** The event types' stored names as UTF-8, to check a record's type without making a String of it. */
    private static final byte[][] TYPE_NAMES = Arrays.stream(EventType.values())
            .map(t -> t.wireName().getBytes(StandardCharsets.UTF_8))
            .toArray(byte[][]::new);

    /**
     * Walks a binary record's fields into {@code sink} in {@link Event}'s order, the values {@link #decode} would give
     * its event (absent fields as nulls, the two keys as 0), texts as the record's own UTF-8 bytes. The store writer
     * uses it to fill DuckDB's appender without a String per text (decoding them was over half of its samples), and
     * it is the only walk over a record on that way: a record that does not read is found here, by the store.
     *
     * @return false, with no call made, for a JSON record of an earlier release (only {@link #decode} reads those)
     * @throws Unreadable when the bytes are not a record, before the field that does not read (whole fields may have
     *     been passed already); what {@code sink} throws passes through as it is
     */
    static boolean fields(byte[] payload, EventFields sink) {
        if (payload.length > 0 && payload[0] == '{') return false;
        if (payload.length == 0 || payload[0] != BINARY) {
            throw new Unreadable("not a spool record (first byte " + (payload.length == 0 ? "none" : payload[0]) + ")");
        }
        Reader r = new Reader(payload, 1);
        r.fields = r.varint();
        r.text(sink); // site
        r.timestamp(sink);
        r.eventType(sink);
        r.text(sink); // visitor id
        r.text(sink); // session id
        r.key(sink); // visitor key
        r.key(sink); // session key
        for (int i = 0; i < 15; i++) r.text(sink); // goal name .. click ids
        r.int32(sink); // screen width
        for (int i = 0; i < 9; i++) r.text(sink); // language .. city
        r.float64(sink); // latitude
        r.float64(sink); // longitude
        r.text(sink); // metadata
        r.int64(sink); // duration
        r.int32(sink); // scroll depth
        r.text(sink); // target url
        return true;
    }

    /** A growing byte array; events are a few hundred bytes, so one or two growths at most. */
    private static final class Writer {
        private byte[] buf = new byte[512];
        private int n;

        private void ensure(int more) {
            if (n + more > buf.length) buf = Arrays.copyOf(buf, Math.max(buf.length * 2, n + more));
        }

        void b(int v) {
            ensure(1);
            buf[n++] = (byte) v;
        }

        void varint(int v) {
            ensure(5);
            while ((v & ~0x7f) != 0) {
                buf[n++] = (byte) ((v & 0x7f) | 0x80);
                v >>>= 7;
            }
            buf[n++] = (byte) v;
        }

        void text(String s) {
            if (s == null) {
                varint(0);
                return;
            }
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            varint(utf8.length + 1);
            ensure(utf8.length);
            System.arraycopy(utf8, 0, buf, n, utf8.length);
            n += utf8.length;
        }

        void rawLong(long v) {
            ensure(8);
            for (int i = 7; i >= 0; i--) buf[n++] = (byte) (v >>> (i * 8));
        }

        void int64(long v) {
            b(1);
            rawLong(v);
        }

        void int64(Long v) {
            if (v == null) {
                b(0);
            } else {
                int64(v.longValue());
            }
        }

        void int32(Integer v) {
            if (v == null) {
                b(0);
                return;
            }
            b(1);
            ensure(4);
            int x = v;
            for (int i = 3; i >= 0; i--) buf[n++] = (byte) (x >>> (i * 8));
        }

        void float64(Double v) {
            if (v == null) {
                b(0);
                return;
            }
            b(1);
            rawLong(Double.doubleToRawLongBits(v));
        }

        void instant(Instant t) {
            rawLong(t.getEpochSecond());
            ensure(4);
            int nanos = t.getNano();
            for (int i = 3; i >= 0; i--) buf[n++] = (byte) (nanos >>> (i * 8));
        }

        byte[] bytes() {
            return Arrays.copyOf(buf, n);
        }
    }

    /** Reads fields in order; past the record's field count every field is absent. */
    private static final class Reader {
        private final byte[] buf;
        int position;
        int fields = Integer.MAX_VALUE;
        int read;

        Reader(byte[] buf, int position) {
            this.buf = buf;
            this.position = position;
        }

        private boolean absent() {
            return read++ >= fields;
        }

        private int u8() {
            if (position >= buf.length) throw new Unreadable("spool record ends early");
            return buf[position++] & 0xff;
        }

        int varint() {
            int v = 0;
            for (int shift = 0; shift < 35; shift += 7) {
                int b = u8();
                v |= (b & 0x7f) << shift;
                if ((b & 0x80) == 0) return v;
            }
            throw new Unreadable("malformed length in spool record");
        }

        private long rawLong() {
            long v = 0;
            for (int i = 0; i < 8; i++) v = (v << 8) | u8();
            return v;
        }

        private int rawInt() {
            int v = 0;
            for (int i = 0; i < 4; i++) v = (v << 8) | u8();
            return v;
        }

        String text() {
            if (absent()) return null;
            int length = varint();
            if (length == 0) return null;
            length--;
            if (length < 0 || length > buf.length - position) throw new Unreadable("spool record ends early");
            String s = new String(buf, position, length, StandardCharsets.UTF_8);
            position += length;
            return s;
        }

        void text(EventFields sink) {
            int length = absent() ? 0 : varint();
            if (length == 0) {
                sink.absent();
                return;
            }
            length--;
            if (length < 0 || length > buf.length - position) throw new Unreadable("spool record ends early");
            sink.text(buf, position, length);
            position += length;
        }

        /** The type's stored name, passed on as text once it is known: {@link #decode} refuses any other. */
        void eventType(EventFields sink) {
            int length = absent() ? 0 : varint();
            if (length == 0) throw new Unreadable("unknown event type null");
            length--;
            if (length < 0 || length > buf.length - position) throw new Unreadable("spool record ends early");
            boolean known = false;
            for (byte[] name : TYPE_NAMES) {
                if (Arrays.equals(name, 0, name.length, buf, position, position + length)) {
                    known = true;
                    break;
                }
            }
            if (!known) {
                throw new Unreadable("unknown event type " + new String(buf, position, length, StandardCharsets.UTF_8));
            }
            sink.text(buf, position, length);
            position += length;
        }

        void timestamp(EventFields sink) {
            if (absent()) throw new Unreadable("spool record has no timestamp");
            long seconds = rawLong();
            sink.timestamp(seconds, rawInt());
        }

        /** A key: never null, absent reads as 0 (as {@link #int64()}). */
        void key(EventFields sink) {
            sink.int64(absent() || u8() == 0 ? 0 : rawLong());
        }

        void int64(EventFields sink) {
            if (absent() || u8() == 0) sink.absent();
            else sink.int64(rawLong());
        }

        void int32(EventFields sink) {
            if (absent() || u8() == 0) sink.absent();
            else sink.int32(rawInt());
        }

        void float64(EventFields sink) {
            if (absent() || u8() == 0) sink.absent();
            else sink.float64(Double.longBitsToDouble(rawLong()));
        }

        Instant instant() {
            if (absent()) throw new Unreadable("spool record has no timestamp");
            long seconds = rawLong();
            return Instant.ofEpochSecond(seconds, rawInt());
        }

        long int64() {
            Long v = nullableInt64();
            return v == null ? 0 : v;
        }

        Long nullableInt64() {
            if (absent() || u8() == 0) return null;
            return rawLong();
        }

        Integer int32() {
            if (absent() || u8() == 0) return null;
            return rawInt();
        }

        Double float64() {
            if (absent() || u8() == 0) return null;
            return Double.longBitsToDouble(rawLong());
        }
    }
}
