package com.datasaas.events;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The schema on a sharded ClickHouse cluster ({@code DATASAAS_CLICKHOUSE_CLUSTER}): every statement of the schema
 * files, written for one server, is turned into its cluster form here, so a new table or view in a schema file needs
 * no code. Each table {@code t} becomes a local table {@code t_local} on every host ({@code ON CLUSTER}) and a
 * {@code Distributed} table {@code t} over them, so the queries, which name {@code t}, read every shard unchanged.
 *
 * <ul>
 *   <li>{@code CREATE TABLE t (...) ENGINE = ...}: {@code t_local} with that body, and {@code t} as
 *       {@code Distributed(cluster, db, t_local, key)}. The key keeps a visitor's rows on one shard:
 *       {@code cityHash64(site_id, visitor_key)} (or {@code visitor_id}) where the table has those columns, so all
 *       of a session's events are on one shard; otherwise the table's sorting key, so rows that a Replacing or
 *       Collapsing engine merges meet on one shard.
 *   <li>{@code CREATE MATERIALIZED VIEW v [TO t] ... AS SELECT ... FROM s}: the view runs on each host over the
 *       local tables ({@code v_local}, {@code TO t_local}, {@code FROM s_local}), so each shard's view writes into
 *       that shard's table. A view with its own storage (no {@code TO}) gets a {@code Distributed} table {@code v}.
 *   <li>{@code CREATE VIEW}: on every host, over the {@code Distributed} tables.
 *   <li>{@code ALTER TABLE t}: column changes go to {@code t_local} and to {@code t}; other changes (indexes,
 *       mutations) to {@code t_local} only. {@code DROP TABLE t}: both.
 *   <li>{@code RENAME TABLE a TO b, ...}: the local tables, in one statement on every host. A {@code Distributed}
 *       table names its local table, so {@code b} then reads what was {@code a_local}: a migration that rebuilds a
 *       table swaps the local tables and drops the {@code Distributed} table of the copy.
 *   <li>{@code INSERT}: as written, into the {@code Distributed} table (the store inserts synchronously).
 * </ul>
 *
 * Anything else is refused at start-up with the statement, rather than run on one host only.
 */
final class ClusterSchema {
    static final String LOCAL = "_local";

    private static final Pattern CREATE_TABLE =
            Pattern.compile("(?is)^CREATE\\s+TABLE\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?(\\w+)\\s*(.*)$");
    private static final Pattern CREATE_MATERIALIZED_VIEW = Pattern.compile(
            "(?is)^CREATE\\s+MATERIALIZED\\s+VIEW\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?(\\w+)\\s+(?:TO\\s+(\\w+)\\s+)?(.*)$");
    private static final Pattern CREATE_VIEW =
            Pattern.compile("(?is)^CREATE\\s+VIEW\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?(\\w+)\\s+(.*)$");
    private static final Pattern ALTER_TABLE = Pattern.compile("(?is)^ALTER\\s+TABLE\\s+(\\w+)\\s+(.*)$");
    private static final Pattern COLUMN_CHANGE =
            Pattern.compile("(?is)^(?:ADD|DROP|MODIFY|CLEAR|COMMENT|RENAME)\\s+COLUMN\\b.*");
    private static final Pattern DROP_TABLE =
            Pattern.compile("(?is)^DROP\\s+(TABLE|VIEW)\\s+(IF\\s+EXISTS\\s+)?(\\w+)\\s*$");
    private static final Pattern RENAME = Pattern.compile("(?is)^RENAME\\s+TABLE\\s+(.*)$");
    private static final Pattern RENAME_PAIR = Pattern.compile("(?i)^\\s*(\\w+)\\s+TO\\s+(\\w+)\\s*$");
    private static final Pattern INSERT = Pattern.compile("(?is)^INSERT\\s+INTO\\s.*");
    /** A table named after FROM or JOIN: not a table function ({@code f(}) nor already qualified ({@code db.t}). */
    private static final Pattern REFERENCE = Pattern.compile("(?i)\\b(FROM|JOIN)(\\s+)(\\w+)\\b(?![.(\\w])");

    private static final Pattern ORDER_BY = Pattern.compile("(?i)\\bORDER\\s+BY\\s+");
    private static final Pattern ENGINE = Pattern.compile("(?i)\\bENGINE\\s*=\\s*(\\w+)");

    private final String cluster;
    private final String database;
    /** The tables the schema files create: every reference to one of them inside a view means its local table. */
    private final Set<String> tables;

    /**
     * @param statements every statement of every schema file (and the store's own tables), to know which names are
     *     tables of the schema when a view in a later file refers to a table of an earlier one
     */
    ClusterSchema(String cluster, String database, List<String> statements) {
        if (!cluster.matches("[A-Za-z0-9_]+")) {
            throw new IllegalStateException(
                    "DATASAAS_CLICKHOUSE_CLUSTER must be a cluster name of ClickHouse's remote_servers (letters,"
                            + " digits and _); got " + cluster);
        }
        this.cluster = cluster;
        this.database = database;
        this.tables = new LinkedHashSet<>();
        for (String statement : statements) {
            Matcher table = CREATE_TABLE.matcher(statement.strip());
            Matcher view = CREATE_MATERIALIZED_VIEW.matcher(statement.strip());
            if (table.matches()) tables.add(table.group(1));
            else if (view.matches()) tables.add(view.group(1));
        }
    }

    String cluster() {
        return cluster;
    }

    String createDatabase() {
        return "CREATE DATABASE IF NOT EXISTS " + database + " ON CLUSTER " + cluster;
    }

    /** The name of a table's part on each shard. */
    static String local(String table) {
        return table + LOCAL;
    }

    /** The cluster form of one statement of a schema file: one or more statements, in the order to run them. */
    List<String> statements(String statement) {
        String sql = statement.strip();
        Matcher m = CREATE_TABLE.matcher(sql);
        if (m.matches()) return createTable(m.group(1), m.group(2));
        m = CREATE_MATERIALIZED_VIEW.matcher(sql);
        if (m.matches()) return createMaterializedView(m.group(1), m.group(2), m.group(3));
        m = CREATE_VIEW.matcher(sql);
        if (m.matches()) {
            return List.of("CREATE VIEW IF NOT EXISTS " + qualified(m.group(1)) + onCluster() + " "
                    + references(m.group(2), false));
        }
        m = ALTER_TABLE.matcher(sql);
        if (m.matches()) {
            String table = m.group(1);
            String change = m.group(2);
            List<String> out = new ArrayList<>();
            out.add("ALTER TABLE " + qualified(local(table)) + onCluster() + " " + change);
            if (COLUMN_CHANGE.matcher(change.strip()).matches()) {
                out.add("ALTER TABLE " + qualified(table) + onCluster() + " " + change);
            }
            return out;
        }
        m = DROP_TABLE.matcher(sql);
        if (m.matches()) {
            String drop = "DROP " + m.group(1).toUpperCase() + " " + (m.group(2) == null ? "" : "IF EXISTS ");
            return List.of(
                    drop + qualified(m.group(3)) + onCluster(),
                    "DROP TABLE IF EXISTS " + qualified(local(m.group(3))) + onCluster());
        }
        m = RENAME.matcher(sql);
        if (m.matches()) return List.of(rename(m.group(1), sql));
        if (INSERT.matcher(sql).matches()) return List.of(sql);
        throw new IllegalStateException("This statement of the ClickHouse schema has no form for a cluster"
                + " (DATASAAS_CLICKHOUSE_CLUSTER); teach ClusterSchema about it: " + sql);
    }

    private List<String> createTable(String table, String body) {
        return List.of(
                "CREATE TABLE IF NOT EXISTS " + qualified(local(table)) + onCluster() + " " + body,
                distributed(table, shardingKey(body)));
    }

    private List<String> createMaterializedView(String view, String target, String rest) {
        String local = "CREATE MATERIALIZED VIEW IF NOT EXISTS " + qualified(local(view)) + onCluster()
                + (target == null ? "" : " TO " + qualified(local(target))) + " " + references(rest, true);
        if (target != null) return List.of(local);
        // The view keeps its rows itself: reading them on every shard takes a Distributed table, which is never
        // written to (the view is fed on each shard), so it needs no sharding key.
        return List.of(local, distributed(view, null));
    }

    private String rename(String pairs, String sql) {
        List<String> locals = new ArrayList<>();
        for (String pair : pairs.split(",")) {
            Matcher m = RENAME_PAIR.matcher(pair);
            if (!m.matches()) throw new IllegalStateException("Not a RENAME TABLE of the schema's tables: " + sql);
            locals.add(qualified(local(m.group(1))) + " TO " + qualified(local(m.group(2))));
        }
        return "RENAME TABLE " + String.join(", ", locals) + onCluster();
    }

    private String distributed(String table, String key) {
        return "CREATE TABLE IF NOT EXISTS " + qualified(table) + onCluster() + " AS " + qualified(local(table))
                + " ENGINE = Distributed(" + cluster + ", " + database + ", " + local(table)
                + (key == null ? "" : ", " + key) + ")";
    }

    /**
     * FROM/JOIN references to the schema's tables in a view's SELECT, with the database (each host runs the statement
     * in its own default database): to the local tables for a materialized view (each shard's view sees the rows
     * inserted on that shard), to the Distributed ones for a plain view (it reads every shard).
     */
    private String references(String select, boolean local) {
        Matcher m = REFERENCE.matcher(select);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(3);
            String replacement =
                    tables.contains(name) ? m.group(1) + m.group(2) + qualified(local ? local(name) : name) : m.group();
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

    /**
     * How rows are spread over the shards. A visitor's rows stay together, so a session's events are on one shard
     * (per-shard session aggregation, e.g. a materialized view over the local events, stays right); other tables
     * by their sorting key, so what a Replacing or Collapsing engine merges is on one shard.
     */
    static String shardingKey(String body) {
        List<String> columns = columns(body);
        if (columns.contains("site_id") && columns.contains("visitor_key")) return "cityHash64(site_id, visitor_key)";
        if (columns.contains("site_id") && columns.contains("visitor_id")) return "cityHash64(site_id, visitor_id)";
        String sortingKey = sortingKey(body);
        if (sortingKey == null) {
            throw new IllegalStateException("A table of the ClickHouse schema has neither site_id and a visitor column"
                    + " nor ORDER BY, so there is no way to shard it: " + body);
        }
        String inner = sortingKey.startsWith("(") && sortingKey.endsWith(")")
                ? sortingKey.substring(1, sortingKey.length() - 1)
                : sortingKey;
        if (inner.isBlank() || inner.strip().equalsIgnoreCase("tuple()")) return "rand()";
        return "cityHash64(" + inner.strip() + ")";
    }

    /** Column names of a CREATE TABLE body {@code (name Type, ..., INDEX ...) ENGINE = ...}. */
    static List<String> columns(String body) {
        String b = body.strip();
        List<String> names = new ArrayList<>();
        if (!b.startsWith("(")) return names;
        String inside = b.substring(1, closing(b, 0));
        for (String definition : topLevel(inside)) {
            String d = definition.strip();
            if (d.isEmpty() || d.matches("(?is)^(INDEX|CONSTRAINT|PROJECTION)\\s.*")) continue;
            Matcher name = Pattern.compile("^`?(\\w+)`?").matcher(d);
            if (name.find()) names.add(name.group(1));
        }
        return names;
    }

    /** The ORDER BY expression after the column list, a parenthesised tuple or one name/call; null if none. */
    private static String sortingKey(String body) {
        String b = body.strip();
        int from = b.startsWith("(") ? closing(b, 0) + 1 : 0;
        Matcher engine = ENGINE.matcher(b);
        Matcher m = ORDER_BY.matcher(b);
        if (!m.find(from) || (engine.find(from) && engine.start() > m.start())) return null;
        int start = m.end();
        int i = start;
        int depth = 0;
        while (i < b.length()) {
            char c = b.charAt(i);
            if (c == '(') depth++;
            else if (c == ')') depth--;
            else if (depth == 0 && Character.isWhitespace(c)) break;
            i++;
        }
        return b.substring(start, i);
    }

    /** The index of the parenthesis closing the one at {@code open}, skipping quoted text. */
    private static int closing(String s, int open) {
        int depth = 0;
        char quote = 0;
        for (int i = open; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quote != 0) {
                if (c == '\\') i++;
                else if (c == quote) quote = 0;
            } else if (c == '\'' || c == '`' || c == '"') {
                quote = c;
            } else if (c == '(') {
                depth++;
            } else if (c == ')' && --depth == 0) {
                return i;
            }
        }
        throw new IllegalStateException("Unbalanced parentheses in " + s);
    }

    /** Splits at commas outside parentheses and quotes. */
    private static List<String> topLevel(String s) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        char quote = 0;
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quote != 0) {
                if (c == '\\') i++;
                else if (c == quote) quote = 0;
            } else if (c == '\'' || c == '`' || c == '"') {
                quote = c;
            } else if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            } else if (c == ',' && depth == 0) {
                parts.add(s.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(s.substring(start));
        return parts;
    }

    private String qualified(String table) {
        return database + "." + table;
    }

    private String onCluster() {
        return " ON CLUSTER " + cluster;
    }
}
