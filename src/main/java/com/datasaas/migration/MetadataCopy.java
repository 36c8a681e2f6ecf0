package com.datasaas.migration;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.flywaydb.core.Flyway;

/**
 * Copies the metadata from the embedded SQLite file into PostgreSQL. The tables are discovered from the SQLite schema
 * (so a table added by a later migration is carried without touching this class) and copied parents first, by their
 * foreign keys. Each value is converted to what the target column holds, by the target's column type. Rows go in
 * with {@code ON CONFLICT DO NOTHING}, so a rerun after an interruption inserts only what is missing.
 *
 * <p>Left out: Flyway's own history (the target's schema is made by Flyway itself), login sessions (users log in
 * again on the new nodes) and ShedLock's rows (lock state of the stopped process).
 */
public final class MetadataCopy {
    private static final Set<String> SKIPPED =
            Set.of("flyway_schema_history", "spring_session", "spring_session_attributes", "shedlock");
    private static final int BATCH = 1_000;

    /** One table's result: rows in the source, rows inserted now (the rest were there from an earlier run). */
    public record TableCopy(String table, long sourceRows, long inserted) {}

    private final Connection sqlite;
    private final Connection postgres;
    private final PrintWriter out;

    public MetadataCopy(Connection sqlite, Connection postgres, PrintWriter out) {
        this.sqlite = sqlite;
        this.postgres = postgres;
        this.out = out;
    }

    /** Creates or upgrades the target's schema with the PostgreSQL migrations the service itself runs. */
    public static void migrateSchema(String url, String user, String password) {
        Flyway.configure()
                .dataSource(url, user, password)
                .locations("classpath:db/migration/postgresql")
                .load()
                .migrate();
    }

    /** The tables to carry, parents before children. */
    public List<String> tables() throws SQLException {
        List<String> names = new ArrayList<>();
        try (Statement st = sqlite.createStatement();
                ResultSet rs = st.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table'"
                        + " AND name NOT LIKE 'sqlite_%' ORDER BY name")) {
            while (rs.next()) {
                String name = rs.getString(1);
                if (!SKIPPED.contains(name.toLowerCase(Locale.ROOT))) names.add(name);
            }
        }
        Map<String, Set<String>> parents = new LinkedHashMap<>();
        for (String table : names) {
            Set<String> of = new LinkedHashSet<>();
            try (Statement st = sqlite.createStatement();
                    ResultSet rs = st.executeQuery("PRAGMA foreign_key_list(" + quoteSqlite(table) + ")")) {
                while (rs.next()) {
                    String parent = rs.getString("table");
                    if (!parent.equalsIgnoreCase(table)) of.add(parent.toLowerCase(Locale.ROOT));
                }
            }
            parents.put(table, of);
        }
        List<String> ordered = new ArrayList<>();
        Set<String> placed = new LinkedHashSet<>();
        while (ordered.size() < names.size()) {
            boolean progress = false;
            for (String table : names) {
                if (placed.contains(table.toLowerCase(Locale.ROOT))) continue;
                Set<String> waiting = new LinkedHashSet<>(parents.get(table));
                waiting.removeAll(placed);
                waiting.retainAll(
                        names.stream().map(n -> n.toLowerCase(Locale.ROOT)).toList());
                if (waiting.isEmpty()) {
                    ordered.add(table);
                    placed.add(table.toLowerCase(Locale.ROOT));
                    progress = true;
                }
            }
            if (!progress) throw new IllegalStateException("Foreign keys form a cycle among " + names);
        }
        return ordered;
    }

    /** Copies every table; prints one line per table. */
    public List<TableCopy> copyAll() throws SQLException {
        List<TableCopy> copies = new ArrayList<>();
        for (String table : tables()) {
            TableCopy copy = copy(table);
            out.printf("  %-28s %,10d rows (%,d new)%n", copy.table(), copy.sourceRows(), copy.inserted());
            out.flush();
            copies.add(copy);
        }
        resetIdentityCounters(copies.stream().map(TableCopy::table).toList());
        return copies;
    }

    TableCopy copy(String table) throws SQLException {
        String target = table.toLowerCase(Locale.ROOT);
        Map<String, Integer> targetTypes = targetColumns(target);
        if (targetTypes.isEmpty()) {
            throw new IllegalStateException("The PostgreSQL database has no table " + target + ", which the embedded"
                    + " install has: is it migrated by an older release of DataSaaS than the one that wrote the"
                    + " embedded install? Run this command with the same release as the embedded service.");
        }
        long sourceRows = 0;
        long inserted = 0;
        boolean autoCommit = postgres.getAutoCommit();
        postgres.setAutoCommit(false);
        try (Statement st = sqlite.createStatement();
                ResultSet rs = st.executeQuery("SELECT * FROM " + quoteSqlite(table))) {
            ResultSetMetaData meta = rs.getMetaData();
            List<String> columns = new ArrayList<>();
            List<Integer> types = new ArrayList<>();
            for (int i = 1; i <= meta.getColumnCount(); i++) {
                String column = meta.getColumnName(i).toLowerCase(Locale.ROOT);
                Integer type = targetTypes.get(column);
                if (type == null) {
                    throw new IllegalStateException("The PostgreSQL table " + target + " has no column " + column
                            + ": the two schemas are of different releases. Run this command with the same release"
                            + " as the embedded service.");
                }
                columns.add(column);
                types.add(type);
            }
            String sql = "INSERT INTO " + target + " (" + String.join(", ", columns) + ") VALUES ("
                    + String.join(", ", columns.stream().map(c -> "?").toList()) + ") ON CONFLICT DO NOTHING";
            try (PreparedStatement insert = postgres.prepareStatement(sql)) {
                int pending = 0;
                while (rs.next()) {
                    for (int i = 0; i < columns.size(); i++) {
                        bind(insert, i + 1, rs.getObject(i + 1), types.get(i), target, columns.get(i));
                    }
                    insert.addBatch();
                    sourceRows++;
                    if (++pending == BATCH) {
                        inserted += sum(insert.executeBatch());
                        postgres.commit();
                        pending = 0;
                    }
                }
                if (pending > 0) inserted += sum(insert.executeBatch());
                postgres.commit();
            }
        } catch (SQLException | RuntimeException e) {
            postgres.rollback();
            throw e;
        } finally {
            postgres.setAutoCommit(autoCommit);
        }
        return new TableCopy(target, sourceRows, inserted);
    }

    /** Row counts of a table on both sides, for the verification. */
    public long[] counts(String table) throws SQLException {
        return new long[] {count(sqlite, quoteSqlite(table)), count(postgres, table.toLowerCase(Locale.ROOT))};
    }

    private static long count(Connection c, String table) throws SQLException {
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * Identity columns keep counting from 1 after rows were inserted with explicit ids: move each past the highest id
     * copied, or the first account created on the new nodes would collide with a migrated one.
     */
    private void resetIdentityCounters(List<String> tables) throws SQLException {
        for (String table : tables) {
            for (String column : targetColumns(table).keySet()) {
                String sequence;
                try (PreparedStatement st = postgres.prepareStatement("SELECT pg_get_serial_sequence(?, ?)")) {
                    st.setString(1, table);
                    st.setString(2, column);
                    try (ResultSet rs = st.executeQuery()) {
                        rs.next();
                        sequence = rs.getString(1);
                    }
                }
                if (sequence == null) continue;
                try (PreparedStatement st = postgres.prepareStatement(
                        "SELECT setval(?, coalesce((SELECT max(" + column + ") FROM " + table + "), 0) + 1, false)")) {
                    st.setString(1, sequence);
                    st.executeQuery().close();
                }
            }
        }
    }

    private Map<String, Integer> targetColumns(String table) throws SQLException {
        Map<String, Integer> columns = new LinkedHashMap<>();
        DatabaseMetaData meta = postgres.getMetaData();
        try (ResultSet rs = meta.getColumns(null, postgres.getSchema(), table, null)) {
            while (rs.next()) columns.put(rs.getString("COLUMN_NAME").toLowerCase(Locale.ROOT), rs.getInt("DATA_TYPE"));
        }
        return columns;
    }

    /** SQLite hands back what the row holds (integer, real, text, blob); PostgreSQL wants its column's type. */
    private static void bind(PreparedStatement st, int index, Object value, int type, String table, String column)
            throws SQLException {
        if (value == null) {
            st.setNull(index, type);
            return;
        }
        try {
            switch (type) {
                case Types.BOOLEAN, Types.BIT -> st.setBoolean(index, truth(value));
                case Types.SMALLINT, Types.INTEGER ->
                    st.setInt(index, Math.toIntExact(number(value).longValue()));
                case Types.BIGINT -> st.setLong(index, number(value).longValue());
                case Types.REAL, Types.FLOAT, Types.DOUBLE ->
                    st.setDouble(index, number(value).doubleValue());
                case Types.NUMERIC, Types.DECIMAL ->
                    st.setBigDecimal(index, new java.math.BigDecimal(value.toString()));
                case Types.TIMESTAMP, Types.TIMESTAMP_WITH_TIMEZONE -> st.setObject(index, timestamp(value));
                case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB ->
                    st.setBytes(
                            index,
                            value instanceof byte[] b
                                    ? b
                                    : value.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                default -> st.setString(index, value instanceof byte[] b ? new String(b) : value.toString());
            }
        } catch (RuntimeException e) {
            throw new IllegalStateException(
                    "Cannot convert " + table + "." + column + " value '" + value + "' for PostgreSQL: "
                            + e.getMessage(),
                    e);
        }
    }

    private static boolean truth(Object value) {
        if (value instanceof Number n) return n.longValue() != 0;
        String text = value.toString().strip().toLowerCase(Locale.ROOT);
        return text.equals("1") || text.equals("true") || text.equals("t");
    }

    private static Number number(Object value) {
        if (value instanceof Number n) return n;
        String text = value.toString().strip();
        return text.contains(".") ? (Number) Double.parseDouble(text) : (Number) Long.parseLong(text);
    }

    /** ISO-8601 text (as the repositories write), SQL's "YYYY-MM-DD HH:MM:SS", or epoch milliseconds. */
    private static OffsetDateTime timestamp(Object value) {
        if (value instanceof Number n)
            return Instant.ofEpochMilli(n.longValue()).atOffset(ZoneOffset.UTC);
        String text = value.toString().strip();
        if (text.matches("\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}(\\.\\d+)?")) text = text.replace(' ', 'T') + "Z";
        try {
            return OffsetDateTime.parse(text);
        } catch (java.time.format.DateTimeParseException e) {
            return Instant.parse(text).atOffset(ZoneOffset.UTC);
        }
    }

    private static long sum(int[] counts) {
        long total = 0;
        for (int c : counts) total += Math.max(c, 0);
        return total;
    }

    private static String quoteSqlite(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }
}
