package com.datasaas.funnels;

import com.datasaas.accounts.Caller;
import com.datasaas.app.ApiException;
import com.datasaas.app.RandomIds;
import com.datasaas.goals.Goals;
import com.datasaas.sites.Website;
import com.datasaas.sites.Websites;
import com.datasaas.stats.FunnelSteps;
import com.datasaas.stats.StatsScope;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.enums.ParameterIn;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.annotation.Nullable;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * Funnel definitions under {@code /api/websites/{id}/funnels} and their numbers at {@code /api/v1/funnels/{id}}. A
 * funnel of a website the caller cannot see answers 404 like the website itself.
 */
@RestController
final class FunnelController {
    static final int MAX_FUNNELS_PER_SITE = 100;
    static final int MAX_NAME = 100;
    static final int MAX_URL = 500;

    /** Control and invisible formatting characters (bidi overrides, zero-width joiners): never part of a label. */
    private static final java.util.regex.Pattern INVISIBLE = java.util.regex.Pattern.compile("[\\p{Cc}\\p{Cf}]");

    private static final String NAME_RULE = "is required: 1 to " + MAX_NAME + " characters, e.g. \"Signup flow\"";
    private static final String STEPS_RULE = "must list " + Funnel.MIN_STEPS + " to " + Funnel.MAX_STEPS
            + " steps, each {name, type: \"pageview\" with url, or \"goal\" with goal_name}";
    private static final String URL_RULE = "a page path starting with '/', '*' matching any characters (e.g. /blog/*)";

    private final FunnelRepository repository;
    private final FunnelReport report;
    private final Websites websites;
    private final Clock clock;

    private final FunnelSteps funnelSteps;

    FunnelController(
            FunnelRepository repository, FunnelReport report, Websites websites, Clock clock, FunnelSteps funnelSteps) {
        this.funnelSteps = funnelSteps;
        this.repository = repository;
        this.report = report;
        this.websites = websites;
        this.clock = clock;
    }

    /**
     * The body of POST and PUT. The funnel's own fields by Bean Validation; each step in {@link #steps}, because the
     * rules between a step's fields (a url for pageview steps, a goal name for goal steps) must name the step at
     * fault, e.g. "steps[2].url", which the generic validation answer does not.
     */
    record FunnelBody(
            @Schema(description = "1 to 100 characters; unique per website, ignoring case.", example = "Signup flow")
            @NotNull(message = NAME_RULE)
            @Size(min = 1, max = MAX_NAME, message = NAME_RULE)
            @Pattern(regexp = "[^\\p{Cc}\\p{Cf}]*", message = "must not contain control or invisible characters")
            String name,

            @Schema(description = "2 to 8 steps, in the order visitors are expected to take them.")
            @NotNull(message = STEPS_RULE)
            @Size(min = Funnel.MIN_STEPS, max = Funnel.MAX_STEPS, message = STEPS_RULE)
            List<StepBody> steps) {}

    record StepBody(
            @Schema(description = "A label, 1 to 100 characters.", example = "Viewed pricing") @Nullable
            String name,

            @Schema(allowableValues = {"pageview", "goal"}) @Nullable
            String type,

            @Schema(description = "Pageview steps: the page path, '*' matching any characters.", example = "/pricing")
            @Nullable
            String url,

            @Schema(
                    description = "Goal steps: the goal's name (a custom goal event or a pageview goal).",
                    example = "signup")
            @Nullable
            String goalName) {}

    record StepView(
            String name,

            @Schema(allowableValues = {"pageview", "goal"}) String type,

            @Nullable String url,
            @Nullable String goalName) {
        static StepView of(Funnel.Step s) {
            return new StepView(s.name(), s.type().apiName(), s.url(), s.goalName());
        }
    }

    record FunnelView(
            @Schema(example = "fun_9f8e7d6c5b4a3210") String id,
            String websiteId,
            String name,
            List<StepView> steps,
            Instant createdAt,
            Instant updatedAt) {
        static FunnelView of(Funnel f) {
            return new FunnelView(
                    f.id(),
                    f.websiteId(),
                    f.name(),
                    f.steps().stream().map(StepView::of).toList(),
                    f.createdAt(),
                    f.updatedAt());
        }
    }

    record FunnelList(List<FunnelView> funnels) {}

    @GetMapping("/api/websites/{id}/funnels")
    FunnelList list(@PathVariable String id) {
        Website site = websites.require(Caller.current(), id);
        return new FunnelList(
                repository.forSite(site.id()).stream().map(FunnelView::of).toList());
    }

    @GetMapping("/api/websites/{id}/funnels/{funnelId}")
    FunnelView get(@PathVariable String id, @PathVariable String funnelId) {
        Website site = websites.require(Caller.current(), id);
        return FunnelView.of(require(site, funnelId));
    }

    @PostMapping("/api/websites/{id}/funnels")
    @ResponseStatus(HttpStatus.CREATED)
    @ApiResponse(responseCode = "409", description = "The website already has a funnel with this name.")
    FunnelView create(@PathVariable String id, @Valid @RequestBody FunnelBody body) {
        Website site = websites.require(Caller.current(), id);
        String name = body.name().strip();
        List<Funnel.Step> steps = steps(body.steps());
        checkName(site, name, null);
        if (repository.count(site.id()) >= MAX_FUNNELS_PER_SITE) {
            throw ApiException.badRequest(
                    "A website can have at most " + MAX_FUNNELS_PER_SITE + " funnels; delete one you no longer need.");
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        Funnel funnel = new Funnel("fun_" + RandomIds.base62(16), site.id(), name, steps, now, now);
        try {
            repository.insert(funnel);
        } catch (DataIntegrityViolationException e) {
            throw duplicate(name); // the same name created concurrently: the UNIQUE constraint decides
        }
        return FunnelView.of(funnel);
    }

    @PutMapping("/api/websites/{id}/funnels/{funnelId}")
    @ApiResponse(responseCode = "200", description = "The funnel as now stored.")
    @ApiResponse(responseCode = "409", description = "Another funnel of the website has this name.")
    FunnelView update(@PathVariable String id, @PathVariable String funnelId, @Valid @RequestBody FunnelBody body) {
        Website site = websites.require(Caller.current(), id);
        Funnel old = require(site, funnelId);
        String name = body.name().strip();
        List<Funnel.Step> steps = steps(body.steps());
        checkName(site, name, old.id());
        Funnel funnel = new Funnel(
                old.id(),
                site.id(),
                name,
                steps,
                old.createdAt(),
                clock.instant().truncatedTo(ChronoUnit.MILLIS));
        boolean updated;
        try {
            updated = repository.update(funnel);
        } catch (DataIntegrityViolationException e) {
            throw duplicate(name);
        }
        if (!updated) throw notFound(site, funnelId);
        return FunnelView.of(funnel);
    }

    @DeleteMapping("/api/websites/{id}/funnels/{funnelId}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void delete(@PathVariable String id, @PathVariable String funnelId) {
        Website site = websites.require(Caller.current(), id);
        if (!repository.delete(site.id(), funnelId)) throw notFound(site, funnelId);
    }

    // ---------------------------------------------------------------- results

    record StepResult(
            String name,

            @Schema(allowableValues = {"pageview", "goal"}) String type,

            @Nullable String url,
            @Nullable String goalName,

            @Schema(description = "Visitors who reached this step in order within the range.")
            long visitors,

            @Schema(description = "visitors / visitors of step 1 x 100, one decimal (0 when step 1 has none).")
            double conversionRate,

            @Schema(description = "Visitors of the previous step who did not reach this one (0 for step 1).")
            long dropoff,

            @Schema(description = "dropoff / visitors of the previous step x 100, one decimal.")
            double dropoffRate) {}

    record FunnelResult(
            String funnelId,
            String name,
            List<StepResult> steps,

            @Schema(description = "Visitors who reached step 1.")
            long entered,

            @Schema(description = "Visitors who reached the last step.")
            long completed,

            @Schema(description = "completed / entered x 100, one decimal.")
            double conversionRate,

            @Schema(
                    description = "Net revenue, in the site's currency, of the range's payments by visitors who"
                            + " completed the funnel.")
            BigDecimal revenue,

            String currency) {}

    record ResultMeta(String siteId, String start, String end, String timezone, String currency) {}

    record FunnelAnswer(FunnelResult results, ResultMeta meta) {}

    static final String FILTERS = "Filters are parameters named `<dimension>[is|is_not|contains]`, e.g."
            + " `country[is]=US`; they keep whole sessions (docs/funnels.md). `funnel_step[is]=<funnelId>:<step>` keeps"
            + " the visitors who reached that step of a funnel. (This entry only documents them.)";

    @GetMapping("/api/v1/funnels/{funnelId}")
    @ApiResponse(responseCode = "200", description = "Visitors per step, rates, and the revenue of completers.")
    @ApiResponse(responseCode = "400", description = "A bad date, time zone or filter parameter.")
    @Parameter(name = "site_id", in = ParameterIn.QUERY, required = true, description = "The funnel's website id.")
    @Parameter(name = "start", in = ParameterIn.QUERY, required = true, description = "YYYY-MM-DD, included.")
    @Parameter(name = "end", in = ParameterIn.QUERY, required = true, description = "YYYY-MM-DD, included.")
    @Parameter(name = "timezone", in = ParameterIn.QUERY, description = "IANA zone overriding the site's.")
    @Parameter(name = "filters", in = ParameterIn.QUERY, description = FILTERS, schema = @Schema(hidden = true))
    FunnelAnswer results(@PathVariable String funnelId, @Parameter(hidden = true) HttpServletRequest request) {
        StatsScope scope = StatsScope.read(request.getParameterMap(), websites, Caller.current(), funnelSteps);
        Funnel funnel = require(scope.site(), funnelId);
        FunnelReport.Counts counts = report.count(funnel, scope);
        List<StepResult> steps = new ArrayList<>();
        long first = counts.visitors().get(0);
        for (int i = 0; i < funnel.steps().size(); i++) {
            Funnel.Step s = funnel.steps().get(i);
            long visitors = counts.visitors().get(i);
            long previous = i == 0 ? visitors : counts.visitors().get(i - 1);
            long dropoff = previous - visitors;
            steps.add(new StepResult(
                    s.name(),
                    s.type().apiName(),
                    s.url(),
                    s.goalName(),
                    visitors,
                    percent(visitors, first),
                    dropoff,
                    percent(dropoff, previous)));
        }
        long last = counts.visitors().get(counts.visitors().size() - 1);
        String currency = scope.site().currency();
        return new FunnelAnswer(
                new FunnelResult(
                        funnel.id(),
                        funnel.name(),
                        steps,
                        first,
                        last,
                        percent(last, first),
                        counts.revenue(),
                        currency),
                new ResultMeta(
                        scope.site().id(),
                        scope.start().toString(),
                        scope.end().toString(),
                        scope.zone().getId(),
                        currency));
    }

    /** Percent with one decimal, as the stats API rounds rates; 0 of nothing is 0. */
    static double percent(long part, long whole) {
        return whole == 0 ? 0.0 : Math.round(1000.0 * part / whole) / 10.0;
    }

    // ---------------------------------------------------------------- rules

    private Funnel require(Website site, String funnelId) {
        return repository.find(site.id(), funnelId).orElseThrow(() -> notFound(site, funnelId));
    }

    private static ApiException notFound(Website site, String funnelId) {
        return ApiException.notFound("Funnel " + funnelId + " not found on website " + site.id() + ".");
    }

    private void checkName(Website site, String name, String exceptId) {
        if (name.isEmpty()) throw ApiException.invalid("name", "Field 'name' " + NAME_RULE + ".");
        if (repository.nameTaken(site.id(), name, exceptId)) throw duplicate(name);
    }

    private static ApiException duplicate(String name) {
        return new ApiException(
                HttpStatus.CONFLICT, "This website already has a funnel named '" + name + "'; pick another name.");
    }

    /** Each step checked in order; the first fault is named by its JSON path, e.g. {@code steps[2].url}. */
    static List<Funnel.Step> steps(List<StepBody> bodies) {
        List<Funnel.Step> out = new ArrayList<>();
        for (int i = 0; i < bodies.size(); i++) out.add(step(bodies.get(i), "steps[" + i + "]"));
        return out;
    }

    private static Funnel.Step step(StepBody body, String at) {
        if (body == null) {
            throw ApiException.invalid(at, at + " must be an object {name, type, url or goal_name}.");
        }
        String name = body.name() == null ? "" : body.name().strip();
        if (name.isEmpty() || name.length() > MAX_NAME) {
            throw ApiException.invalid(
                    at + ".name", at + ".name is required: 1 to " + MAX_NAME + " characters, e.g. \"Viewed pricing\".");
        }
        if (INVISIBLE.matcher(name).find()) {
            throw ApiException.invalid(at + ".name", at + ".name must not contain control or invisible characters.");
        }
        if (body.type() == null || body.type().isBlank()) {
            throw ApiException.invalid(
                    at + ".type", at + ".type is required: \"pageview\" (matched by url) or \"goal\" (by goal_name).");
        }
        Funnel.StepType type = Funnel.StepType.fromApiName(body.type())
                .orElseThrow(() -> ApiException.invalid(
                        at + ".type",
                        at + ".type must be \"pageview\" (matched by url) or \"goal\" (matched by goal_name), not '"
                                + printable(body.type()) + "'."));
        if (type == Funnel.StepType.PAGEVIEW) {
            if (body.goalName() != null) {
                throw ApiException.invalid(
                        at + ".goal_name", at + ".goal_name only applies to goal steps; a pageview step matches url.");
            }
            String url = body.url() == null ? "" : body.url().strip();
            if (url.isEmpty()) {
                throw ApiException.invalid(at + ".url", at + ".url is required for a pageview step: " + URL_RULE + ".");
            }
            if (!url.startsWith("/")
                    || url.length() > MAX_URL
                    || url.chars().anyMatch(Character::isWhitespace)
                    || INVISIBLE.matcher(url).find()) {
                throw ApiException.invalid(
                        at + ".url",
                        at + ".url must be " + URL_RULE + ", at most " + MAX_URL
                                + " characters without spaces or control characters.");
            }
            return new Funnel.Step(name, type, url, null);
        }
        if (body.url() != null) {
            throw ApiException.invalid(
                    at + ".url", at + ".url only applies to pageview steps; a goal step matches goal_name.");
        }
        String goal = body.goalName() == null ? "" : body.goalName().strip().toLowerCase(Locale.ROOT);
        if (goal.isEmpty()) {
            throw ApiException.invalid(
                    at + ".goal_name", at + ".goal_name is required for a goal step: the goal's name, e.g. signup.");
        }
        if (!Goals.NAME.matcher(goal).matches()) {
            throw ApiException.invalid(
                    at + ".goal_name",
                    at + ".goal_name must be a goal name: 1 to 64 characters of a-z, 0-9, '_', ':' or '-'.");
        }
        return new Funnel.Step(name, type, null, goal);
    }

    /** A caller's value quoted back in a message: shortened, invisible characters shown as '?'. */
    private static String printable(String s) {
        String shown = s.length() > 40 ? s.substring(0, 40) + "..." : s;
        return INVISIBLE.matcher(shown).replaceAll("?");
    }
}
