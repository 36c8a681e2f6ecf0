package com.datasaas.ingest;

import com.datasaas.app.ApiErrors;
import com.datasaas.app.ApiException;
import com.datasaas.app.ClientAddresses;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.util.JsonRecyclerPools;
import tools.jackson.databind.json.JsonMapper;

/**
 * POST /api/events: limit, read, validate, run the pipeline, answer 202 (also for dropped events) once the spool
 * confirms the event's fsync, asynchronously: the request thread does not wait for the disk.
 *
 * <p>A servlet filter registered ahead of every other one, not an MVC controller: this route carries no cookies, no
 * session and no authentication, yet the security filter chain, the observation filter and MVC's handler lookup,
 * argument resolution and return-value handling cost about twice the ingest work itself (JFR, see
 * docs/benchmarks.md). The answers are the same as the rest of the API's: the {@code {"error": ...}} shape from
 * {@link ApiErrors}, {@code Retry-After} on 429 and 503, and the CORS headers of the public endpoints. Preflight
 * requests go on to {@code PublicCorsFilter}.
 */
final class IngestEndpoint extends HttpFilter {
    static final String PATH = "/api/events";
    static final int MAX_BODY_BYTES = 32 * 1024;
    private static final Logger log = LoggerFactory.getLogger(IngestEndpoint.class);
    /**
     * Reads event bodies only. Its parser buffers are pooled per thread, which suits Tomcat's fixed pool of request
     * threads; Jackson's default pool, a shared deque, showed up at ~4% of request time in JFR.
     */
    private static final JsonMapper EVENT_JSON = JsonMapper.builder(JsonFactory.builder()
                    .recyclerPool(JsonRecyclerPools.threadLocalPool())
                    .build())
            .build();

    private final IngestPipeline pipeline;
    private final EventRateLimiter rateLimiter;
    private final ClientAddresses clientAddresses;
    private final Clock clock;
    /** The spool-wait timer's update for a confirmed event ({@link WriteBuffer#confirmed}). */
    private final LongConsumer confirmed;

    IngestEndpoint(
            IngestPipeline pipeline,
            EventRateLimiter rateLimiter,
            ClientAddresses clientAddresses,
            Clock clock,
            WriteBuffer buffer) {
        this.pipeline = pipeline;
        this.confirmed = buffer::confirmed;
        this.rateLimiter = rateLimiter;
        this.clientAddresses = clientAddresses;
        this.clock = clock;
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        String method = request.getMethod();
        // The registration maps the exact path; a context path or path parameters fall through to MVC's 404.
        if (!PATH.equals(request.getRequestURI()) || "OPTIONS".equals(method)) {
            chain.doFilter(request, response);
            return;
        }
        response.setHeader("Access-Control-Allow-Origin", "*");
        try {
            if (!"POST".equals(method)) {
                response.setHeader(HttpHeaders.ALLOW, "POST, OPTIONS");
                throw new ApiException(HttpStatus.METHOD_NOT_ALLOWED, "Method " + method + " is not supported here.");
            }
            EventDraft draft = collect(request);
            if (draft.durable == null) { // dropped (bots, exclusions): 202 like real traffic, nothing to wait for
                response.setStatus(HttpStatus.ACCEPTED.value());
            } else {
                answerWhenDurable(request, response, draft);
            }
        } catch (ApiException e) {
            refuse(response, e);
        } catch (RuntimeException e) {
            log.error("Unhandled error", e);
            exposeRetryAfter(response);
            ApiErrors.write(
                    response,
                    HttpStatus.INTERNAL_SERVER_ERROR,
                    "Something went wrong on our side; the error was logged.");
        }
    }

    /**
     * The request thread goes back to the pool instead of parking until the event's fsync: the spool's writer
     * thread answers when the fsync confirms it ({@link SpooledAnswer}). Tomcat's threads then take the next request
     * at once, and one fsync covers more events than there are request threads.
     */
    private void answerWhenDurable(HttpServletRequest request, HttpServletResponse response, EventDraft draft) {
        AsyncContext async = request.startAsync();
        async.setTimeout(WriteBuffer.SPOOL_WAIT_MILLIS);
        SpooledAnswer answer = new SpooledAnswer(async, response, confirmed, draft.handedNanos, draft.accepted);
        async.addListener(answer);
        draft.durable.whenComplete(answer); // runs here at once if the spool confirmed already
    }

    /** The event after the pipeline: its {@code durable} is the spool's confirmation, null when it was dropped. */
    private EventDraft collect(HttpServletRequest request) throws IOException {
        InetAddress client = clientAddresses.resolve(request);
        Duration wait = rateLimiter.take(client);
        if (!wait.isZero()) {
            throw new ApiException(HttpStatus.TOO_MANY_REQUESTS, "Too many events from this address; slow down.", wait);
        }
        checkMediaType(request.getContentType());
        EventRequest event = EventRequest.parse(EVENT_JSON, readBody(request), clock.instant());
        EventDraft draft = new EventDraft(event, client, request.getHeader(HttpHeaders.USER_AGENT));
        draft.answerLater = true;
        pipeline.run(draft);
        return draft;
    }

    private static byte[] readBody(HttpServletRequest request) throws IOException {
        long declared = request.getContentLengthLong();
        if (declared > MAX_BODY_BYTES) {
            throw tooLarge();
        }
        try (InputStream in = request.getInputStream()) {
            if (declared >= 0) {
                // The usual case: one array of the right size, no growing buffers.
                byte[] body = new byte[(int) declared];
                int read = in.readNBytes(body, 0, body.length);
                return read == body.length ? body : Arrays.copyOf(body, read);
            }
            byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
            if (body.length > MAX_BODY_BYTES) {
                throw tooLarge();
            }
            return body;
        }
    }

    /**
     * Lets a page's script read {@code Retry-After} on a refusal (429 and 503 carry one). Not sent with a 202, which has
     * nothing to expose: the header was a third of the 202's bytes.
     */
    private static void exposeRetryAfter(HttpServletResponse response) {
        response.setHeader("Access-Control-Expose-Headers", HttpHeaders.RETRY_AFTER);
    }

    static void refuse(HttpServletResponse response, ApiException e) throws IOException {
        exposeRetryAfter(response);
        if (e.retryAfter() != null) {
            response.setHeader(
                    HttpHeaders.RETRY_AFTER,
                    Long.toString(Math.max(1, e.retryAfter().toSeconds())));
        }
        ApiErrors.write(response, e.status(), e.getMessage());
    }

    private static ApiException tooLarge() {
        return new ApiException(HttpStatus.CONTENT_TOO_LARGE, "Event bodies are limited to 32 KB.");
    }

    /**
     * JSON, or text/plain (what {@code navigator.sendBeacon} sends without a CORS preflight). Parsed, not prefix
     * matched: {@code APPLICATION/JSON; charset=utf-8} is fine, {@code application/jsonp} is not.
     */
    static void checkMediaType(String contentType) {
        if (contentType == null) return;
        // What the tracker and sendBeacon send, accepted without parsing (JFR: parsing was ~2% of a request).
        for (String usual : USUAL_MEDIA_TYPES) {
            if (usual.equals(contentType)) return;
        }
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

    /** Content types sent as they are by browsers and the tracker; every one of them parses to an accepted type. */
    static final List<String> USUAL_MEDIA_TYPES =
            List.of("text/plain", "text/plain;charset=UTF-8", "application/json", "application/json;charset=UTF-8");

    private static ApiException unsupported() {
        return new ApiException(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "Send events as application/json or text/plain.");
    }
}
