package com.datasaas.stats;

import com.datasaas.app.ApiException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The stats API's {@code funnel_step[is]=<funnelId>:<k>} filter: only the visitors who reached step {@code k}
 * (counted from 1) of that funnel in order, within the range and the other filters (docs/funnels.md). It is written
 * like the other bracket filters so that the dashboard's URLs and filter chips treat it like them, but it is no
 * {@link Dimension}: it selects visitors, not values of a column.
 */
public record FunnelStepFilter(String funnelId, int step) {
    /** The parameter's name without its operator. */
    public static final String NAME = "funnel_step";

    private static final Pattern VALUE = Pattern.compile("^([A-Za-z0-9_-]{1,64}):([1-9][0-9]?)$");

    static FunnelStepFilter parse(String parameter, String value) {
        Matcher m = VALUE.matcher(value.strip());
        if (!m.matches()) {
            throw ApiException.invalid(
                    parameter,
                    "Filter '" + parameter + "' must be <funnel id>:<step number counted from 1>, e.g. " + parameter
                            + "=fun_abc123:2, not '" + value + "'.");
        }
        return new FunnelStepFilter(m.group(1), Integer.parseInt(m.group(2)));
    }

    /** As the parameter's value: {@code fun_abc123:2}. */
    public String value() {
        return funnelId + ":" + step;
    }
}
