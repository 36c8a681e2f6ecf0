package com.datasaas.events;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import javax.sql.rowset.RowSetMetaDataImpl;
import tools.jackson.databind.JsonNode;

/**
 * A ClickHouse answer in {@code JSONCompact} (column names and types, then rows) as a read-only, forward-only
 * {@link ResultSet}, so the row mappers written against the {@link EventStore} seam read it as they read DuckDB's.
 * Values are converted once, by the column's ClickHouse type, to the Java types DuckDB's driver gives: integers as
 * Long, floats as Double, {@code DateTime('UTC')} (every stored time) as an OffsetDateTime, an instant; any other
 * DateTime or a Date as the LocalDateTime of its wall clock, which is how the ClickHouse dialect prints time buckets
 * (a time without zone, as DuckDB's TIMESTAMP). Only the getters our mappers use are answered; any
 * other call fails loudly instead of guessing.
 */
final class ClickHouseRows implements InvocationHandler {
    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private final List<String> names = new ArrayList<>();
    private final RowSetMetaDataImpl meta = new RowSetMetaDataImpl();
    private final List<Object[]> rows = new ArrayList<>();
    private int row = -1;
    private boolean lastWasNull;

    static ResultSet of(JsonNode answer) throws SQLException {
        ClickHouseRows handler = new ClickHouseRows(answer);
        return (ResultSet) Proxy.newProxyInstance(
                ClickHouseRows.class.getClassLoader(), new Class<?>[] {ResultSet.class}, handler);
    }

    private ClickHouseRows(JsonNode answer) throws SQLException {
        JsonNode columns = answer.get("meta");
        List<String> types = new ArrayList<>();
        meta.setColumnCount(columns.size());
        for (int i = 0; i < columns.size(); i++) {
            String name = columns.get(i).get("name").asString();
            String type = columns.get(i).get("type").asString();
            names.add(name);
            types.add(type);
            meta.setColumnName(i + 1, name);
            meta.setColumnLabel(i + 1, name);
            meta.setColumnType(i + 1, sqlType(type));
            meta.setColumnTypeName(i + 1, type);
        }
        for (JsonNode r : answer.get("data")) {
            Object[] values = new Object[types.size()];
            for (int i = 0; i < values.length; i++) values[i] = convert(types.get(i), r.get(i));
            rows.add(values);
        }
    }

    private static String bare(String type) {
        return type.startsWith("Nullable(") ? type.substring(9, type.length() - 1) : type;
    }

    private static int sqlType(String type) {
        String t = bare(type);
        if (t.startsWith("Int") || t.startsWith("UInt")) return Types.BIGINT;
        if (t.startsWith("Float")) return Types.DOUBLE;
        if (t.startsWith("DateTime") || t.equals("Date")) return Types.TIMESTAMP;
        return Types.VARCHAR;
    }

    static Object convert(String type, JsonNode v) {
        if (v == null || v.isNull()) return null;
        String t = bare(type);
        if (t.startsWith("Int") || t.startsWith("UInt"))
            return v.isNumber() ? v.asLong() : Long.parseLong(v.asString());
        if (t.startsWith("Float")) return v.isNumber() ? v.asDouble() : Double.parseDouble(v.asString());
        if (t.equals("DateTime('UTC')")) {
            return OffsetDateTime.of(LocalDateTime.parse(v.asString(), DATE_TIME), ZoneOffset.UTC);
        }
        if (t.startsWith("DateTime")) return LocalDateTime.parse(v.asString(), DATE_TIME);
        if (t.equals("Date")) return LocalDate.parse(v.asString()).atStartOfDay();
        return v.isString() ? v.asString() : v.toString();
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        String name = method.getName();
        switch (name) {
            case "next":
                return ++row < rows.size();
            case "close":
                return null;
            case "isClosed":
                return false;
            case "wasNull":
                return lastWasNull;
            case "getMetaData":
                return meta;
            case "findColumn":
                return index((String) args[0]);
            case "unwrap":
                throw new SQLException("not a wrapper");
            case "isWrapperFor":
                return false;
            case "hashCode":
                return System.identityHashCode(proxy);
            case "equals":
                return proxy == args[0];
            case "toString":
                return "ClickHouseRows" + names;
            default:
        }
        if (!name.startsWith("get") || args == null || args.length == 0) {
            throw new SQLFeatureNotSupportedException("ClickHouse rows do not support " + name);
        }
        int column = args[0] instanceof String label ? index(label) : (Integer) args[0];
        Object value = rows.get(row)[column - 1];
        lastWasNull = value == null;
        return switch (name) {
            case "getObject" -> args.length == 2 ? as(value, (Class<?>) args[1]) : value;
            case "getString" -> value == null ? null : value.toString();
            case "getLong" -> value == null ? 0L : ((Number) value).longValue();
            case "getInt" -> value == null ? 0 : ((Number) value).intValue();
            case "getShort" -> value == null ? (short) 0 : ((Number) value).shortValue();
            case "getDouble" -> value == null ? 0.0 : ((Number) value).doubleValue();
            case "getFloat" -> value == null ? 0f : ((Number) value).floatValue();
            case "getBoolean" -> value != null && ((Number) value).longValue() != 0;
            case "getTimestamp" -> value == null ? null : Timestamp.from(instant(value));
            default -> throw new SQLFeatureNotSupportedException("ClickHouse rows do not support " + name);
        };
    }

    private static Instant instant(Object value) {
        if (value instanceof OffsetDateTime t) return t.toInstant();
        if (value instanceof LocalDateTime t) return t.toInstant(ZoneOffset.UTC);
        throw new IllegalArgumentException("not a time: " + value);
    }

    private static Object as(Object value, Class<?> type) throws SQLException {
        if (value == null || type.isInstance(value)) return value;
        if (type == Instant.class) return instant(value);
        if (type == OffsetDateTime.class) return OffsetDateTime.ofInstant(instant(value), ZoneOffset.UTC);
        if (type == Long.class) return ((Number) value).longValue();
        if (type == Integer.class) return ((Number) value).intValue();
        if (type == Double.class) return ((Number) value).doubleValue();
        if (type == String.class) return value.toString();
        throw new SQLFeatureNotSupportedException("cannot read " + value.getClass() + " as " + type);
    }

    private int index(String label) throws SQLException {
        int i = names.indexOf(label);
        if (i < 0) throw new SQLException("no column " + label + " in " + names);
        return i + 1;
    }
}
