package com.datasaas.stats;

import com.datasaas.app.ApiException;
import com.datasaas.sites.Website;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads the query parameters of the stats API into a {@link StatsQuery}. Every refusal names the parameter and says
 * what would be accepted, because API consumers see these messages first.
 */
final class StatsParameters {
    static final int MAX_LIMIT = 1_000;
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_DAYS = 3_700;
    static final int MAX_HOURLY_DAYS = 31;
    private static final Pattern FILTER = Pattern.compile("^([a-z_]+)\\[([a-z_]*)\\]$");
    private static final int MAX_FILTER_VALUES = 100;

    private final Map<String, String[]> params;

    StatsParameters(Map<String, String[]> params) {
        this.params = params;
    }

    /**
     * {@code site_id}, the v1 API's name; {@code siteId}, the dashboard routes' name, is accepted too so a caller
     * who learnt one never has to guess (docs/api.md, "Naming").
     */
    String siteId() {
        String id = single("site_id");
        if (id == null || id.isBlank()) id = single("siteId");
        if (id == null || id.isBlank()) {
            throw ApiException.invalid("site_id", "Query parameter 'site_id' is required, e.g. site_id=mrf_...");
        }
        return id;
    }

    String single(String name) {
        String[] values = params.get(name);
        return values == null || values.length == 0 ? null : values[0];
    }

    ZoneId zone(Website site) {
        String override = single("timezone");
        String id = override == null || override.isBlank() ? site.timezone() : override;
        try {
            return ZoneId.of(id);
        } catch (DateTimeException e) {
            throw ApiException.badRequest(
                    "Parameter 'timezone' must be an IANA time zone such as Europe/Berlin or America/New_York.");
        }
    }

    LocalDate date(String name) {
        String value = single(name);
        if (value == null || value.isBlank()) {
            throw ApiException.badRequest("Query parameter '" + name + "' is required, a date like 2026-03-08.");
        }
        try {
            return LocalDate.parse(value);
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest(
                    "Parameter '" + name + "' must be a date like 2026-03-08 (YYYY-MM-DD), not '" + value + "'.");
        }
    }

    /** The inclusive date range; end before start or a range over ten years is refused. */
    LocalDate[] range() {
        LocalDate start = date("start");
        LocalDate end = date("end");
        if (end.isBefore(start)) {
            throw ApiException.badRequest("Parameter 'end' (" + end + ") is before 'start' (" + start
                    + "); both days are included, so use the same date for a single day.");
        }
        if (ChronoUnit.DAYS.between(start, end) >= MAX_DAYS) {
            throw ApiException.badRequest("The date range may span at most " + MAX_DAYS + " days.");
        }
        return new LocalDate[] {start, end};
    }

    List<Metric> metrics(List<Metric> defaults) {
        String value = single("metrics");
        if (value == null || value.isBlank()) return defaults;
        List<Metric> out = new ArrayList<>();
        for (String name : value.split(",")) {
            String trimmed = name.strip();
            Metric metric = Metric.fromApiName(trimmed)
                    .orElseThrow(() -> ApiException.badRequest("Unknown metric '" + trimmed + "'. Use any of: "
                            + Arrays.stream(Metric.values())
                                    .map(Metric::apiName)
                                    .collect(Collectors.joining(", "))
                            + "."));
            if (!out.contains(metric)) out.add(metric);
        }
        return out;
    }

    static Dimension dimension(String name, String parameter) {
        if (name == null || name.isBlank()) {
            throw ApiException.badRequest(
                    "Query parameter '" + parameter + "' is required: one of " + dimensionNames() + ".");
        }
        return Dimension.fromApiName(name)
                .orElseThrow(() -> ApiException.badRequest(
                        "Unknown dimension '" + name + "'. Use one of: " + dimensionNames() + "."));
    }

    static String dimensionNames() {
        return Arrays.stream(Dimension.values()).map(Dimension::apiName).collect(Collectors.joining(", "));
    }

    /** Bracket filters: {@code country[is]=US}; repeating a parameter adds values to the same filter. */
    List<Filter> filters() {
        List<Filter> out = new ArrayList<>();
        for (Map.Entry<String, String[]> entry : params.entrySet()) {
            Matcher m = FILTER.matcher(entry.getKey());
            if (!m.matches()) {
                if (entry.getKey().contains("[")) {
                    throw ApiException.badRequest("Filter parameter '" + entry.getKey()
                            + "' is not of the form dimension[operator], e.g. country[is]=US.");
                }
                continue;
            }
            if (m.group(1).equals(FunnelStepFilter.NAME)) continue; // read by funnelStep()
            Dimension dimension = Dimension.fromApiName(m.group(1))
                    .orElseThrow(() -> ApiException.badRequest("Unknown dimension '" + m.group(1) + "' in filter '"
                            + entry.getKey() + "'. Use one of: " + dimensionNames() + "."));
            Filter.Operator operator = Filter.Operator.fromApiName(m.group(2))
                    .orElseThrow(() -> ApiException.badRequest("Unknown filter operator '" + m.group(2) + "' in '"
                            + entry.getKey() + "'. Use is, is_not or contains."));
            List<String> values = Arrays.stream(entry.getValue())
                    .filter(v -> !v.isEmpty())
                    .distinct()
                    .toList();
            if (values.isEmpty()) {
                throw ApiException.badRequest(
                        "Filter '" + entry.getKey() + "' needs a value, e.g. " + entry.getKey() + "=something.");
            }
            if (values.size() > MAX_FILTER_VALUES) {
                throw ApiException.badRequest(
                        "Filter '" + entry.getKey() + "' may have at most " + MAX_FILTER_VALUES + " values.");
            }
            out.add(new Filter(dimension, operator, values));
        }
        return out;
    }

    /**
     * The {@code funnel_step[is]=<funnelId>:<k>} filter ({@link FunnelStepFilter}), if present: one value, operator
     * {@code is} only (a funnel step is not a value to exclude or search in).
     */
    Optional<FunnelStepFilter> funnelStep() {
        FunnelStepFilter found = null;
        for (Map.Entry<String, String[]> entry : params.entrySet()) {
            Matcher m = FILTER.matcher(entry.getKey());
            if (!m.matches() || !m.group(1).equals(FunnelStepFilter.NAME)) continue;
            String key = entry.getKey();
            if (!m.group(2).equals(Filter.Operator.IS.apiName())) {
                throw ApiException.invalid(
                        key,
                        "Filter '" + key + "' is not supported: a funnel step takes only the is operator,"
                                + " e.g. funnel_step[is]=fun_abc123:2.");
            }
            List<String> values = Arrays.stream(entry.getValue())
                    .filter(v -> !v.isBlank())
                    .distinct()
                    .toList();
            if (values.size() != 1) {
                throw ApiException.invalid(
                        key, "Filter '" + key + "' takes exactly one funnel step, e.g. funnel_step[is]=fun_abc123:2.");
            }
            found = FunnelStepFilter.parse(key, values.get(0));
        }
        return Optional.ofNullable(found);
    }

    Interval interval(LocalDate start, LocalDate end) {
        String value = single("interval");
        Interval interval;
        if (value == null || value.isBlank()) {
            interval = start.equals(end) ? Interval.HOUR : Interval.DAY;
        } else {
            interval = Interval.fromApiName(value)
                    .orElseThrow(() -> ApiException.badRequest(
                            "Parameter 'interval' must be hour, day, week or month, not '" + value + "'."));
        }
        if (interval == Interval.HOUR && ChronoUnit.DAYS.between(start, end) >= MAX_HOURLY_DAYS) {
            throw ApiException.badRequest(
                    "interval=hour is limited to " + MAX_HOURLY_DAYS + " days; use interval=day for longer ranges.");
        }
        return interval;
    }

    int integer(String name, int defaultValue, int min, int max) {
        String value = single(name);
        if (value == null || value.isBlank()) return defaultValue;
        try {
            int n = Integer.parseInt(value.strip());
            if (n >= min && n <= max) return n;
        } catch (NumberFormatException e) {
            // falls through to the message below
        }
        throw ApiException.badRequest(
                "Parameter '" + name + "' must be a whole number from " + min + " to " + max + ".");
    }

    /** {@code order_by=pageviews} or {@code order_by=pathname:asc}; default visitors, descending. */
    StatsQuery.Order order(Dimension dimension) {
        String value = single("order_by");
        if (value == null || value.isBlank()) return StatsQuery.Order.VISITORS_DESC;
        String[] parts = value.split(":", 2);
        String by = parts[0].strip();
        boolean descending = true;
        if (parts.length == 2) {
            switch (parts[1].strip()) {
                case "asc" -> descending = false;
                case "desc" -> descending = true;
                default -> throw ApiException.badRequest("Parameter 'order_by' direction must be asc or desc.");
            }
        }
        if (!QueryCompiler.sortable(by) && !by.equals(dimension.apiName())) {
            throw ApiException.badRequest("Results can be ordered by visitors, sessions, pageviews or "
                    + dimension.apiName() + ", not '" + by + "'.");
        }
        return new StatsQuery.Order(by, descending);
    }
}
