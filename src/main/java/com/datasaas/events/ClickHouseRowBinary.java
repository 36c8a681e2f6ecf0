package com.datasaas.events;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The rows of an events INSERT in ClickHouse's {@code RowBinary} format: each value as its type's bytes in column
 * order, no names, no text to parse. Against {@code JSONEachRow} (every row's column names, numbers and times as
 * text) the app's writer takes half the CPU per event, and ClickHouse parses nothing (docs/benchmarks.md, issue 12).
 *
 * <p>The layout comes from the table ClickHouse really has ({@code DESCRIBE TABLE events} at start-up), not from a
 * second copy of the schema here: each column gets the encoder of its declared type, and a column whose type has no
 * encoder makes {@link #of} answer null, so the store keeps writing {@code JSONEachRow} rather than guess bytes. The
 * format (little-endian numbers, LEB128 string lengths, a leading null byte for {@code Nullable}) is the same in 18.16
 * and current releases. No maintained Java library writes it without bringing its own HTTP client (the official
 * {@code client-v2}, which needs its features off to talk to 18.16, see docs/server-mode.md), and the whole format for
 * the types below is what follows. {@link Answer} reads the same format back, for the one answer too large for text
 * (the day rollup's stored rows and their sketches).
 */
final class ClickHouseRowBinary {
    private static final Pattern NULLABLE = Pattern.compile("Nullable\\((.*)\\)");
    private static final Map<String, EventColumn> BY_NAME =
            Arrays.stream(EventColumn.values()).collect(Collectors.toMap(c -> c.column, c -> c));

    /** Where a column's value comes from: an {@link EventColumn}, or ClickHouse's own columns. */
    private interface Source {
        Object value(SpooledEvent e, String node);
    }

    private record Column(String name, String type, boolean nullable, Encoder encoder, Source source) {}

    @FunctionalInterface
    private interface Encoder {
        void write(Buffer out, Object value, String column);
    }

    private final List<Column> columns;
    private final String insert;

    private ClickHouseRowBinary(List<Column> columns) {
        this.columns = columns;
        this.insert = "INSERT INTO events ("
                + columns.stream().map(Column::name).collect(Collectors.joining(", ")) + ") FORMAT RowBinary";
    }

    /** A column as {@code DESCRIBE TABLE} lists it: name, type, and its default's kind ({@code ""} for none). */
    record Described(String name, String type, String defaultKind) {}

    /**
     * The encoder for a table with these columns; null when a column the store must fill (no default) is not one it
     * knows, or has a type without an encoder here. Columns ClickHouse computes ({@code MATERIALIZED}, {@code ALIAS})
     * and unknown columns with a default are left to ClickHouse, as a JSONEachRow row without them would be.
     */
    static ClickHouseRowBinary of(List<Described> described) {
        List<Column> columns = new ArrayList<>(described.size());
        for (Described d : described) {
            if (d.defaultKind().equals("MATERIALIZED") || d.defaultKind().equals("ALIAS")) continue;
            Source source = source(d.name());
            if (source == null && !d.defaultKind().isEmpty()) continue;
            Matcher nullable = NULLABLE.matcher(d.type());
            boolean isNullable = nullable.matches();
            Encoder encoder = encoder(isNullable ? nullable.group(1) : d.type());
            if (source == null || encoder == null) return null;
            columns.add(new Column(d.name(), d.type(), isNullable, encoder, source));
        }
        return columns.isEmpty() ? null : new ClickHouseRowBinary(columns);
    }

    private static Source source(String column) {
        switch (column) {
            case "ts_us" -> {
                return (s, node) -> {
                    Instant t = s.event().timestamp();
                    return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1_000);
                };
            }
            case "node_id" -> {
                return (s, node) -> node;
            }
            case EventColumn.EVENT_ID -> {
                return (s, node) -> s.id();
            }
            default -> {
                EventColumn c = BY_NAME.get(column);
                return c == null ? null : (s, node) -> c.value(s.event());
            }
        }
    }

    private static Encoder encoder(String type) {
        return switch (type) {
            case "String" -> (out, v, column) -> out.string(v.toString());
            case "Int64", "UInt64" ->
                (out, v, column) -> out.int64(number(v, column).longValue());
            case "Int32" ->
                (out, v, column) ->
                        out.int32(Math.toIntExact(integral(v, column, Integer.MIN_VALUE, Integer.MAX_VALUE)));
            case "UInt32" -> (out, v, column) -> out.int32((int) integral(v, column, 0, 0xFFFF_FFFFL));
            case "Int16" -> (out, v, column) -> out.int16((int) integral(v, column, Short.MIN_VALUE, Short.MAX_VALUE));
            case "UInt16" -> (out, v, column) -> out.int16((int) integral(v, column, 0, 0xFFFF));
            case "Int8" -> (out, v, column) -> out.int8((int) integral(v, column, Byte.MIN_VALUE, Byte.MAX_VALUE));
            case "UInt8" -> (out, v, column) -> out.int8((int) integral(v, column, 0, 0xFF));
            case "Float64" ->
                (out, v, column) ->
                        out.int64(Double.doubleToRawLongBits(number(v, column).doubleValue()));
            case "Float32" ->
                (out, v, column) ->
                        out.int32(Float.floatToRawIntBits(number(v, column).floatValue()));
            // Seconds since the epoch as UInt32, whatever the column's time zone (it only changes how it prints).
            case "DateTime", "DateTime('UTC')" ->
                (out, v, column) -> {
                    if (!(v instanceof Instant t)) throw wrongValue(v, column);
                    out.int32((int) inRange(t.getEpochSecond(), 0, 0xFFFF_FFFFL, column));
                };
            default -> null;
        };
    }

    private static Number number(Object v, String column) {
        if (v instanceof Number n) return n;
        throw wrongValue(v, column);
    }

    private static long integral(Object v, String column, long min, long max) {
        return inRange(number(v, column).longValue(), min, max, column);
    }

    private static long inRange(long n, long min, long max, String column) {
        // Narrowing silently would store another number than the event had.
        if (n < min || n > max) {
            throw new EventStoreException("The value " + n + " does not fit ClickHouse's column " + column);
        }
        return n;
    }

    private static EventStoreException wrongValue(Object v, String column) {
        return new EventStoreException(
                "Column " + column + " cannot hold a " + v.getClass().getSimpleName() + " in RowBinary");
    }

    /** {@code INSERT INTO events (every column) FORMAT RowBinary}: the statement whose body {@link #rows} are. */
    String insert() {
        return insert;
    }

    /** The batch's rows; {@code node} is the node id stored with spooled events ({@code ""} outside the spool). */
    byte[] rows(List<SpooledEvent> batch, String node) {
        Buffer out = new Buffer(batch.size() * 320);
        for (SpooledEvent s : batch) {
            for (Column c : columns) {
                Object v = c.source.value(s, node);
                if (c.nullable) {
                    if (v == null) {
                        out.int8(1);
                        continue;
                    }
                    out.int8(0);
                } else if (v == null) {
                    throw new EventStoreException("Column " + c.name + " (" + c.type + ") cannot be NULL");
                }
                c.encoder.write(out, v, c.name);
            }
        }
        return out.bytes();
    }

    /** A growable little-endian byte buffer: the writes RowBinary needs, without a stream per value. */
    static final class Buffer {
        private byte[] bytes;
        private int size;

        Buffer(int capacity) {
            bytes = new byte[Math.max(capacity, 256)];
        }

        private void room(int n) {
            if (size + n > bytes.length) bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + n));
        }

        void int8(int v) {
            room(1);
            bytes[size++] = (byte) v;
        }

        void int16(int v) {
            room(2);
            bytes[size++] = (byte) v;
            bytes[size++] = (byte) (v >>> 8);
        }

        void int32(int v) {
            room(4);
            for (int i = 0; i < 4; i++) bytes[size++] = (byte) (v >>> (8 * i));
        }

        void int64(long v) {
            room(8);
            for (int i = 0; i < 8; i++) bytes[size++] = (byte) (v >>> (8 * i));
        }

        /** The UTF-8 bytes after their length as an unsigned LEB128 varint. */
        void string(String s) {
            blob(s.getBytes(StandardCharsets.UTF_8));
        }

        /** Bytes as a {@code String} value (ClickHouse's strings are bytes): their length as LEB128, then them. */
        void blob(byte[] utf8) {
            room(utf8.length + 5);
            long n = utf8.length;
            while (n >= 0x80) {
                bytes[size++] = (byte) (n | 0x80);
                n >>>= 7;
            }
            bytes[size++] = (byte) n;
            System.arraycopy(utf8, 0, bytes, size, utf8.length);
            size += utf8.length;
        }

        byte[] bytes() {
            return Arrays.copyOf(bytes, size);
        }
    }

    /**
     * An answer in {@code RowBinary}, read value by value in the query's column order: the reader must know the
     * columns' types, so the queries read this way cast every column to the type read here.
     */
    static final class Answer {
        private final byte[] bytes;
        private int at;

        Answer(byte[] bytes) {
            this.bytes = bytes;
        }

        boolean hasMore() {
            return at < bytes.length;
        }

        int uint8() {
            need(1);
            return bytes[at++] & 0xFF;
        }

        /** A {@code Date}: days since 1970-01-01 as UInt16. */
        int uint16() {
            need(2);
            int v = (bytes[at] & 0xFF) | (bytes[at + 1] & 0xFF) << 8;
            at += 2;
            return v;
        }

        /** Int64 or UInt64 (a UInt64 above Long.MAX_VALUE reads negative; the day rollup's counts never are). */
        long int64() {
            need(8);
            long v = 0;
            for (int i = 7; i >= 0; i--) v = v << 8 | (bytes[at + i] & 0xFF);
            at += 8;
            return v;
        }

        double float64() {
            return Double.longBitsToDouble(int64());
        }

        /** A {@code String}'s bytes: their length as an unsigned LEB128 varint, then them. */
        byte[] blob() {
            long n = 0;
            int shift = 0;
            int b;
            do {
                b = uint8();
                n |= (long) (b & 0x7F) << shift;
                shift += 7;
            } while ((b & 0x80) != 0);
            if (n > bytes.length - at) throw truncated();
            byte[] out = Arrays.copyOfRange(bytes, at, at + (int) n);
            at += (int) n;
            return out;
        }

        String string() {
            return new String(blob(), StandardCharsets.UTF_8);
        }

        /** A {@code Nullable(String)}: a null byte (1: NULL), then the string unless NULL. */
        String nullableString() {
            return uint8() == 1 ? null : string();
        }

        private void need(int n) {
            if (bytes.length - at < n) throw truncated();
        }

        private static EventStoreException truncated() {
            return new EventStoreException("ClickHouse's RowBinary answer ended inside a row");
        }
    }
}
