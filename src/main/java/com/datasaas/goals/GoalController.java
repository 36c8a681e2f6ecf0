package com.datasaas.goals;

import com.datasaas.accounts.Caller;
import com.datasaas.app.ApiException;
import com.datasaas.app.JsonBodies;
import com.datasaas.app.RandomIds;
import com.datasaas.sites.Website;
import com.datasaas.sites.Websites;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.annotation.Nullable;
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
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

@RestController
final class GoalController {
    private static final int MAX_GOALS_PER_SITE = 100;
    private static final int MAX_PATH = 500;

    private final GoalRepository repository;
    private final Websites websites;
    private final ObjectMapper json;
    private final Clock clock;

    GoalController(GoalRepository repository, Websites websites, ObjectMapper json, Clock clock) {
        this.repository = repository;
        this.websites = websites;
        this.json = json;
        this.clock = clock;
    }

    /** The body of POST /api/websites/{id}/goals. */
    record NewGoal(
            @Schema(description = "Lowercased; 1 to 64 of a-z, 0-9, '_', ':', '-'.", example = "signup")
            String name,

            @Schema(
                    allowableValues = {"custom", "pageview"},
                    description = "Default custom.")
            @Nullable
            String goalType,

            @Schema(description = "Pageview goals: the path, '*' matching anything.", example = "/blog/*") @Nullable
            String path,

            @Schema(description = "Defaults to the name.", maxLength = 100) @Nullable
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
    @io.swagger.v3.oas.annotations.parameters.RequestBody(
            content = @Content(schema = @Schema(implementation = NewGoal.class)))
    @ApiResponse(responseCode = "409", description = "The website already has a goal with this name.")
    GoalView create(@PathVariable String id, @RequestBody(required = false) byte[] raw) {
        Website site = websites.require(Caller.current(), id);
        JsonNode body = JsonBodies.parseObject(json, raw);
        String name = JsonBodies.string(body, "name", 64);
        if (name == null
                || !Goals.NAME.matcher(name.strip().toLowerCase(Locale.ROOT)).matches()) {
            throw ApiException.badRequest("Field 'name' is required: 1 to 64 characters of a-z, 0-9, '_', ':' or '-'"
                    + " (e.g. \"signup\").");
        }
        name = name.strip().toLowerCase(Locale.ROOT);
        String typeName = JsonBodies.string(body, "goal_type", 16);
        Goal.Type type = typeName == null
                ? Goal.Type.CUSTOM
                : Goal.Type.fromApiName(typeName)
                        .orElseThrow(() -> ApiException.badRequest(
                                "Field 'goal_type' must be \"custom\" (matched by event name) or \"pageview\""
                                        + " (matched by 'path')."));
        String path = JsonBodies.string(body, "path", MAX_PATH);
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
        String displayName = JsonBodies.string(body, "display_name", 100);
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
