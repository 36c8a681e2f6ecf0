package com.datasaas.stats;

import com.datasaas.accounts.Caller;
import com.datasaas.app.ApiException;
import com.datasaas.goals.Goals;
import com.datasaas.sites.Website;
import com.datasaas.sites.Websites;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.enums.ParameterIn;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.servlet.http.HttpServletRequest;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** The values a filter picker offers: what was seen for one dimension in the range, most visitors first. */
@RestController
final class FilterValuesController {
    static final int MAX_VALUES = 1_000;

    private final StatsEngine engine;
    private final Websites websites;
    private final Goals goals;

    FilterValuesController(StatsEngine engine, Websites websites, Goals goals) {
        this.engine = engine;
        this.websites = websites;
        this.goals = goals;
    }

    record FilterValue(
            @Schema(
                    types = {"string", "number"},
                    description = "A value seen for the dimension.")
            Object value,

            long visitors) {}

    record FilterValues(String dimension, List<FilterValue> values) {}

    @GetMapping("/api/filter-values")
    @Parameter(
            name = "siteId",
            in = ParameterIn.QUERY,
            required = true,
            description = "The website id (`site_id` is accepted too).")
    @Parameter(name = "dimension", in = ParameterIn.QUERY, required = true, description = "e.g. country, pathname.")
    @Parameter(name = "start", in = ParameterIn.QUERY, required = true, description = "YYYY-MM-DD")
    @Parameter(name = "end", in = ParameterIn.QUERY, required = true, description = "YYYY-MM-DD")
    @Parameter(name = "timezone", in = ParameterIn.QUERY, description = "IANA zone overriding the site's.")
    FilterValues values(@Parameter(hidden = true) HttpServletRequest request) {
        StatsParameters p = new StatsParameters(request.getParameterMap());
        String siteId = p.single("siteId");
        if (siteId == null || siteId.isBlank()) siteId = p.single("site_id");
        if (siteId == null || siteId.isBlank()) {
            throw ApiException.invalid("siteId", "Query parameter 'siteId' is required, e.g. siteId=mrf_...");
        }
        Dimension dimension = StatsParameters.dimension(p.single("dimension"), "dimension");
        LocalDate[] range = p.range();
        Website site = websites.require(Caller.current(), siteId);
        StatsQuery q = new StatsQuery(
                site.id(),
                range[0],
                range[1],
                p.zone(site),
                List.of(Metric.VISITORS),
                List.of(dimension),
                List.of(),
                null,
                StatsQuery.Order.VISITORS_DESC,
                MAX_VALUES,
                0,
                goals.forSite(site.id()));
        List<FilterValue> values = new ArrayList<>();
        for (StatsRow row : engine.aggregate(q)) {
            Object value = row.groups().get(0);
            if (value == null) continue; // "no value" is not something to filter on
            values.add(new FilterValue(value, row.components().visitors()));
        }
        return new FilterValues(dimension.apiName(), values);
    }
}
