package com.datasaas.ingest;

import com.datasaas.app.ApiException;
import com.datasaas.app.ClientAddresses;
import com.datasaas.app.JsonBodies;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.ObjectMapper;

/** POST /api/events: limit, read, validate, run the pipeline, answer 202 (also for dropped events). */
@RestController
class IngestController {
    static final int MAX_BODY_BYTES = 32 * 1024;

    private final IngestPipeline pipeline;
    private final EventRateLimiter rateLimiter;
    private final ClientAddresses clientAddresses;
    private final ObjectMapper json;
    private final Clock clock;

    IngestController(
            IngestPipeline pipeline,
            EventRateLimiter rateLimiter,
            ClientAddresses clientAddresses,
            ObjectMapper json,
            Clock clock) {
        this.pipeline = pipeline;
        this.rateLimiter = rateLimiter;
        this.clientAddresses = clientAddresses;
        this.json = json;
        this.clock = clock;
    }

    @PostMapping("/api/events")
    ResponseEntity<Void> collect(HttpServletRequest request) throws IOException {
        InetAddress client = clientAddresses.resolve(request);
        Duration wait = rateLimiter.take(client);
        if (!wait.isZero()) {
            throw new ApiException(HttpStatus.TOO_MANY_REQUESTS, "Too many events from this address; slow down.", wait);
        }
        checkMediaType(request.getContentType());
        EventRequest event = EventRequest.parse(JsonBodies.parseObject(json, readBody(request)), clock.instant());
        pipeline.run(new EventDraft(event, client, request.getHeader("User-Agent")));
        return ResponseEntity.accepted().build();
    }

    /**
     * JSON, or text/plain (what {@code navigator.sendBeacon} sends without a CORS preflight). Parsed, not prefix
     * matched: {@code APPLICATION/JSON; charset=utf-8} is fine, {@code application/jsonp} is not.
     */
    static void checkMediaType(String contentType) {
        if (contentType == null) return;
        MediaType type;
        try {
            type = MediaType.parseMediaType(contentType);
        } catch (InvalidMediaTypeException e) {
            throw unsupported();
        }
        if (!type.equalsTypeAndSubtype(MediaType.APPLICATION_JSON)
                && !type.equalsTypeAndSubtype(MediaType.TEXT_PLAIN)) {
            throw unsupported();
        }
    }

    private static ApiException unsupported() {
        return new ApiException(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "Send events as application/json or text/plain.");
    }

    private static byte[] readBody(HttpServletRequest request) throws IOException {
        if (request.getContentLengthLong() > MAX_BODY_BYTES) {
            throw tooLarge();
        }
        try (InputStream in = request.getInputStream()) {
            byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
            if (body.length > MAX_BODY_BYTES) {
                throw tooLarge();
            }
            return body;
        }
    }

    private static ApiException tooLarge() {
        return new ApiException(HttpStatus.CONTENT_TOO_LARGE, "Event bodies are limited to 32 KB.");
    }
}
