package com.datasaas.migration;

import com.datasaas.events.EventStore;
import com.datasaas.stats.SiteFigures;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Compares the embedded install with the server stores after the copy: row counts per metadata table; per site the
 * events by type, the headline stats asked through the stats engine of each store (visitors, sessions, pageviews,
 * bounce rate, top page) over the site's whole history, and the payments (count, amount, refunds). Prints one line
 * per check and tells whether all agree.
 */
public final class Verification {

    /** One compared value: which site (or "-" for the instance), what, and the two sides. */
    public record Check(String site, String what, String embedded, String server) {
        public boolean agrees() {
            return Objects.equals(embedded, server);
        }
    }

    private final Connection sqlite;
    private final Connection postgres;
    private final EventStore embeddedEvents;
    private final EventStore serverEvents;

    public Verification(Connection sqlite, Connection postgres, EventStore embeddedEvents, EventStore serverEvents) {
        this.sqlite = sqlite;
        this.postgres = postgres;
        this.embeddedEvents = embeddedEvents;
        this.serverEvents = serverEvents;
    }

    public List<Check> run(List<String> tables) throws SQLException {
        List<Check> checks = new ArrayList<>();
        for (String table : tables) {
            checks.add(new Check(
                    "-",
                    "rows in " + table,
                    Long.toString(count(sqlite, "SELECT count(*) FROM \"" + table + "\"")),
                    Long.toString(
                            count(postgres, "SELECT count(*) FROM " + table.toLowerCase(java.util.Locale.ROOT)))));
        }
        try (Statement st = sqlite.createStatement();
                ResultSet sites = st.executeQuery("SELECT id, timezone FROM websites ORDER BY id")) {
            while (sites.next()) {
                String site = sites.getString(1);
                ZoneId zone = ZoneId.of(sites.getString(2));
                Map<String, Long> embeddedTypes = eventTypes(embeddedEvents, site);
                Map<String, Long> serverTypes = eventTypes(serverEvents, site);
                TreeMap<String, Long> all = new TreeMap<>(embeddedTypes);
                serverTypes.forEach(all::putIfAbsent);
                for (String type : all.keySet()) {
                    checks.add(new Check(
                            site,
                            "events " + type,
                            String.valueOf(embeddedTypes.getOrDefault(type, 0L)),
                            String.valueOf(serverTypes.getOrDefault(type, 0L))));
                }
                List<OffsetDateTime[]> range = embeddedEvents.query(
                        "SELECT min(ts), max(ts) FROM events WHERE site_id = ?",
                        List.of(site),
                        (rs, n) -> rs.getObject(1) == null
                                ? null
                                : new OffsetDateTime[] {
                                    rs.getObject(1, OffsetDateTime.class), rs.getObject(2, OffsetDateTime.class)
                                });
                if (range.get(0) != null) {
                    LocalDate start = range.get(0)[0].atZoneSameInstant(zone).toLocalDate();
                    LocalDate end = range.get(0)[1].atZoneSameInstant(zone).toLocalDate();
                    SiteFigures before = SiteFigures.of(embeddedEvents, site, start, end, zone);
                    SiteFigures after = SiteFigures.of(serverEvents, site, start, end, zone);
                    String period = " " + start + ".." + end;
                    checks.add(figure(site, "visitors" + period, before.visitors(), after.visitors()));
                    checks.add(figure(site, "sessions" + period, before.sessions(), after.sessions()));
                    checks.add(figure(site, "pageviews" + period, before.pageviews(), after.pageviews()));
                    checks.add(figure(site, "bounce rate %" + period, before.bounceRate(), after.bounceRate()));
                    checks.add(figure(
                            site,
                            "top page" + period,
                            before.topPage() + " (" + before.topPageVisitors() + ")",
                            after.topPage() + " (" + after.topPageVisitors() + ")"));
                }
                String payments = "SELECT count(*), coalesce(sum(amount_minor), 0), coalesce(sum(refunded_minor), 0)"
                        + " FROM payments WHERE website_id = ?";
                checks.add(new Check(
                        site, "payments, amount, refunds", row(sqlite, payments, site), row(postgres, payments, site)));
            }
        }
        return checks;
    }

    /** Prints the checks as a table; true when every one agrees. */
    public static boolean print(List<Check> checks, PrintWriter out) {
        out.printf("%-22s %-40s %-24s %-24s %s%n", "site", "check", "embedded", "server", "");
        boolean all = true;
        for (Check c : checks) {
            out.printf(
                    "%-22s %-40s %-24s %-24s %s%n",
                    c.site(), c.what(), c.embedded(), c.server(), c.agrees() ? "ok" : "DIFFERENT");
            all &= c.agrees();
        }
        out.flush();
        return all;
    }

    private static Check figure(String site, String what, Object before, Object after) {
        return new Check(site, what, String.valueOf(before), String.valueOf(after));
    }

    private static Map<String, Long> eventTypes(EventStore store, String site) {
        Map<String, Long> counts = new TreeMap<>();
        store.query(
                        "SELECT event_type, count(*) AS n FROM events WHERE site_id = ? GROUP BY event_type",
                        List.of(site),
                        (rs, n) -> Map.entry(rs.getString(1), rs.getLong(2)))
                .forEach(e -> counts.put(e.getKey(), e.getValue()));
        return counts;
    }

    private static long count(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String row(Connection c, String sql, String site) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(sql)) {
            st.setString(1, site);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getLong(1) + ", " + rs.getLong(2) + ", " + rs.getLong(3);
            }
        }
    }
}
