package com.datasaas.stats;

import com.datasaas.accounts.Caller;
import com.datasaas.app.ApiException;
import com.datasaas.goals.Goals;
import com.datasaas.sites.Website;
import com.datasaas.sites.Websites;
import jakarta.servlet.http.HttpServletRequest;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

    @GetMapping("/api/filter-values")
    Map<String, Object> values(HttpServletRequest request) {
        StatsParameters p = new StatsParameters(request.getParameterMap());
        String siteId = p.single("siteId");
        if (siteId == null || siteId.isBlank()) {
            throw ApiException.badRequest("Query parameter 'siteId' is required, e.g. siteId=mrf_...");
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
        List<Map<String, Object>> values = new ArrayList<>();
        for (StatsRow row : engine.aggregate(q)) {
            Object value = row.groups().get(0);
            if (value == null) continue; // "no value" is not something to filter on
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("value", value);
            out.put("visitors", row.components().visitors());
            values.add(out);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("dimension", dimension.apiName());
        out.put("values", values);
        return out;
    }
}
