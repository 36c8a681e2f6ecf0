package com.datasaas.ingest;

import io.swagger.v3.core.converter.AnnotatedType;
import io.swagger.v3.core.converter.ModelConverters;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.parameters.RequestBody;
import io.swagger.v3.oas.models.responses.ApiResponse;
import jakarta.annotation.Nullable;
import java.util.List;
import java.util.Map;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

/**
 * How {@code POST /api/events} appears in the OpenAPI document. The endpoint reads its body itself (text/plain from
 * {@code sendBeacon}, a size cap before parsing, every 400 naming the field: see {@link EventRequest}), so springdoc
 * cannot see the shape from the handler; it is described here, next to the parser, instead.
 */
@Configuration(proxyBeanMethods = false)
class EventsEndpointDocument {

    /** The tracker's event, as {@link EventRequest} reads it. */
    @Schema(name = "Event", description = "One event; at most 32 KB. Over-long free text is cut, not refused.")
    record EventPayload(
            @Schema(maxLength = 128, example = "mrf_3kS9aB0qLx2Z")
            String websiteId,

            @Schema(maxLength = 128) String visitorId,
            @Schema(maxLength = 128) String sessionId,

            @Schema(
                    allowableValues = {"pageview", "goal", "_heartbeat", "_leave", "_outbound"},
                    description = "Default pageview.")
            @Nullable
            String eventType,

            @Nullable String url,
            @Nullable String referrer,
            @Nullable String title,

            @Schema(description = "Defaults to the url's host.") @Nullable
            String hostname,

            @Schema(description = "Defaults to the url's path.") @Nullable
            String pathname,

            @Nullable String utmSource,
            @Nullable String utmMedium,
            @Nullable String utmCampaign,
            @Nullable String utmTerm,
            @Nullable String utmContent,

            @Schema(description = "gclid, fbclid, msclkid, ttclid, li_fat_id, twclid (also read from the url).")
            @Nullable
            Map<String, String> clickIds,

            @Schema(minimum = "0", maximum = "100000") @Nullable
            Integer screenWidth,

            @Schema(example = "de-DE") @Nullable String language,

            @Schema(description = "At most 10 params; keys [a-z0-9_-]{1,64}; values string/number/boolean.") @Nullable
            Map<String, Object> metadata,

            @Schema(description = "Goal events: the goal name, [a-z0-9_:-]{1,64} after lowercasing.") @Nullable
            String name,

            @Schema(description = "_leave events: engaged milliseconds on the page.") @Nullable
            Long duration,

            @Schema(description = "_leave events: maximum percent scrolled.", minimum = "0", maximum = "100") @Nullable
            Integer scrollDepth,

            @Schema(description = "_outbound events: required.") @Nullable
            String targetUrl) {}

    @Bean
    @Order(0)
    OpenApiCustomizer eventsEndpoint() {
        return openApi -> {
            // The endpoint is a servlet filter ahead of MVC (IngestEndpoint), so springdoc does not see it: the whole
            // operation is written here.
            Operation post = new Operation()
                    .operationId("collect")
                    .addTagsItem("ingest")
                    .security(List.of())
                    .responses(new io.swagger.v3.oas.models.responses.ApiResponses());
            if (openApi.getPaths() == null) openApi.paths(new io.swagger.v3.oas.models.Paths());
            openApi.getPaths().addPathItem(IngestEndpoint.PATH, new PathItem().post(post));
            ModelConverters.getInstance(true)
                    .readAll(new AnnotatedType(EventPayload.class))
                    .forEach(openApi.getComponents()::addSchemas);
            io.swagger.v3.oas.models.media.Schema<?> ref =
                    new io.swagger.v3.oas.models.media.Schema<>().$ref("#/components/schemas/Event");
            post.summary("Record an event (the tracker's endpoint)")
                    .description("Public; CORS open. The event time is the server's receive time. Bots, spam"
                            + " referrers and the site's excluded IPs, paths and countries are answered 202 and"
                            + " dropped. At most 100 requests per minute per client address.")
                    .requestBody(new RequestBody()
                            .required(true)
                            .content(new Content()
                                    .addMediaType("application/json", new MediaType().schema(ref))
                                    .addMediaType("text/plain", new MediaType().schema(ref))));
            post.getResponses().addApiResponse("202", new ApiResponse().description("Accepted (or dropped)."));
            for (Map.Entry<String, String> e : Map.of(
                            "400",
                            "Not a JSON object, a required field missing or of the wrong type, an unknown event_type,"
                                    + " an invalid goal name or metadata, or a hostname not of the site.",
                            "404",
                            "Unknown website_id.",
                            "413",
                            "The body is over 32 KB.",
                            "415",
                            "Another content type than application/json or text/plain.",
                            "429",
                            "Over 100 requests this minute from this address; `Retry-After` says when.",
                            "503",
                            "The event was not recorded: the spool is at its size bound, the disk refused the write,"
                                    + " or the service is stopping; `Retry-After: 5`. Nothing answered 202 is ever"
                                    + " dropped.")
                    .entrySet()) {
                post.getResponses().addApiResponse(e.getKey(), new ApiResponse().description(e.getValue()));
            }
            List.of("400", "404", "413", "415", "429", "503")
                    .forEach(code -> post.getResponses()
                            .get(code)
                            .content(new Content()
                                    .addMediaType(
                                            "application/json",
                                            new MediaType()
                                                    .schema(new io.swagger.v3.oas.models.media.Schema<>()
                                                            .$ref("#/components/schemas/Error")))));
        };
    }
}
