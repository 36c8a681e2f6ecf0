package com.datasaas.app;

import java.time.Duration;
import org.springframework.http.HttpStatus;

/**
 * A request we refuse on purpose. The message goes to the caller verbatim, so it must say what to do next.
 * {@code retryAfter} becomes a {@code Retry-After} header (429 and 503).
 */
public class ApiException extends RuntimeException {
    private final HttpStatus status;
    private final Duration retryAfter;
    private final String field;

    public ApiException(HttpStatus status, String message) {
        this(status, message, null);
    }

    public ApiException(HttpStatus status, String message, Duration retryAfter) {
        this(status, message, retryAfter, null);
    }

    private ApiException(HttpStatus status, String message, Duration retryAfter, String field) {
        super(message, null, false, false);
        this.status = status;
        this.retryAfter = retryAfter;
        this.field = field;
    }

    public static ApiException badRequest(String message) {
        return new ApiException(HttpStatus.BAD_REQUEST, message);
    }

    /** A 400 about one request field (snake_case, as the caller sent it) or query parameter. */
    public static ApiException invalid(String field, String message) {
        return new ApiException(HttpStatus.BAD_REQUEST, message, null, field);
    }

    public static ApiException notFound(String message) {
        return new ApiException(HttpStatus.NOT_FOUND, message);
    }

    public HttpStatus status() {
        return status;
    }

    public Duration retryAfter() {
        return retryAfter;
    }

    /** The field at fault, or null. */
    public String field() {
        return field;
    }
}
