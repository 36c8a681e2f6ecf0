package com.datasaas.goals;

import com.datasaas.accounts.Caller;
import com.datasaas.app.ApiException;
import com.datasaas.app.RandomIds;
import com.datasaas.sites.Website;
import com.datasaas.sites.Websites;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.annotation.Nullable;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

@RestController
final class GoalController {
    private static final int MAX_GOALS_PER_SITE = 100;
    private static final int MAX_PATH = 500;

    private final GoalRepository repository;
    private final Websites websites;
    private final Clock clock;

    GoalController(GoalRepository repository, Websites websites, Clock clock) {
        this.repository = repository;
        this.websites = websites;
        this.clock = clock;
    }

    private static final String NAME_RULE =
            "is required: 1 to 64 characters of a-z, 0-9, '_', ':' or '-' (e.g. \"signup\")";
    private static final String TYPE_RULE =
            "must be \"custom\" (matched by event name) or \"pageview\" (matched by 'path')";

    /**
     * The body of POST /api/websites/{id}/goals: each field's shape by Bean Validation; the rules between fields
     * (a path for pageview goals only) and the unique name are checked in {@link #create}.
     */
    record NewGoal(
            @Schema(description = "Lowercased; 1 to 64 of a-z, 0-9, '_', ':', '-'.", example = "signup")
            @NotNull(message = NAME_RULE)
            @Size(max = 64, message = NAME_RULE)
            // Surrounding blanks and capitals are allowed: the name is stripped and lowercased before use.
            @Pattern(regexp = "\\s*[A-Za-z0-9_:-]{1,64}\\s*", message = NAME_RULE)
            String name,

            @Schema(
                    allowableValues = {"custom", "pageview"},
                    description = "Default custom.")
            @Nullable
            @Pattern(regexp = "custom|pageview", message = TYPE_RULE)
            String goalType,

            @Schema(description = "Pageview goals: the path, '*' matching anything.", example = "/blog/*")
            @Nullable
            @Size(max = MAX_PATH, message = "must be at most " + MAX_PATH + " characters")
            String path,

            @Schema(description = "Defaults to the name.")
            @Nullable
            @Size(max = 100, message = "must be at most 100 characters")
            String displayName) {}

    record GoalView(
            @Schema(example = "goal_9f8e7d6c5b4a3210") String id,
            String name,
            String displayName,

            @Schema(allowableValues = {"custom", "pageview"})
            String goalType,

            @Nullable String path,
            Instant createdAt) {
        static GoalView of(Goal g) {
            return new GoalView(g.id(), g.name(), g.displayName(), g.type().apiName(), g.path(), g.createdAt());
        }
    }

    record GoalList(List<GoalView> goals) {}

    @GetMapping("/api/websites/{id}/goals")
    GoalList list(@PathVariable String id) {
        Website site = websites.require(Caller.current(), id);
        return new GoalList(
                repository.forSite(site.id()).stream().map(GoalView::of).toList());
    }

    @PostMapping("/api/websites/{id}/goals")
    @ResponseStatus(HttpStatus.CREATED)
    @ApiResponse(responseCode = "409", description = "The website already has a goal with this name.")
    GoalView create(@PathVariable String id, @Valid @RequestBody NewGoal body) {
        Website site = websites.require(Caller.current(), id);
        String name = body.name().strip().toLowerCase(Locale.ROOT);
        if (!Goals.NAME.matcher(name).matches()) {
            // Lowercasing can still leave other letters (the Kelvin sign becomes 'k', others stay non-ASCII).
            throw ApiException.invalid("name", "Field 'name' " + NAME_RULE + ".");
        }
        Goal.Type type = body.goalType() == null
                ? Goal.Type.CUSTOM
                : Goal.Type.fromApiName(body.goalType())
                        .orElseThrow(() -> ApiException.invalid("goal_type", "Field 'goal_type' " + TYPE_RULE + "."));
        String path = body.path();
        if (type == Goal.Type.PAGEVIEW) {
            if (path == null || !path.startsWith("/")) {
                throw ApiException.badRequest(
                        "Pageview goals need field 'path', a page path starting with '/'; '*' matches any"
                                + " characters (e.g. \"/blog/*\").");
            }
        } else if (path != null) {
            throw ApiException.badRequest(
                    "Field 'path' only applies to goal_type \"pageview\"; custom goals match the event name.");
        }
        String displayName = body.displayName();
        if (displayName == null || displayName.isBlank()) displayName = name;
        if (repository.nameTaken(site.id(), name)) {
            throw new ApiException(
                    HttpStatus.CONFLICT, "This website already has a goal named '" + name + "'; pick another name.");
        }
        if (repository.forSite(site.id()).size() >= MAX_GOALS_PER_SITE) {
            throw ApiException.badRequest(
                    "A website can have at most " + MAX_GOALS_PER_SITE + " goals; delete one you no longer need.");
        }
        Goal goal = new Goal(
                "goal_" + RandomIds.base62(16),
                site.id(),
                name,
                displayName.strip(),
                type,
                type == Goal.Type.PAGEVIEW ? path : null,
                clock.instant().truncatedTo(ChronoUnit.MILLIS));
        repository.insert(goal);
        return GoalView.of(goal);
    }

    @DeleteMapping("/api/websites/{id}/goals/{goalId}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void delete(@PathVariable String id, @PathVariable String goalId) {
        Website site = websites.require(Caller.current(), id);
        if (!repository.delete(site.id(), goalId)) {
            throw ApiException.notFound("Goal " + goalId + " not found on website " + site.id() + ".");
        }
    }
}
