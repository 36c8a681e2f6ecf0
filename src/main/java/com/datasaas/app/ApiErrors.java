package com.datasaas.app;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.validation.FieldError;
import org.springframework.validation.method.ParameterValidationResult;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.resource.NoResourceFoundException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DatabindException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns every failure into the public error shape {@code {"error": {"code", "message", "field"?}}} ({@link ApiError}). Anything unexpected is a
 * 500 with a generic message; the detail goes to the log, never to the caller.
 */
@RestControllerAdvice
public class ApiErrors {
    private static final Logger log = LoggerFactory.getLogger(ApiErrors.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    public static ApiError body(HttpStatusCode status, String message) {
        return body(status, message, null);
    }

    static ApiError body(HttpStatusCode status, String message, String field) {
        return new ApiError(new ApiError.Detail(status.value(), message, field));
    }

    public static ResponseEntity<Object> response(HttpStatusCode status, String message) {
        return response(status, message, null);
    }

    private static ResponseEntity<Object> response(HttpStatusCode status, String message, String field) {
        return ResponseEntity.status(status)
                .contentType(MediaType.APPLICATION_JSON)
                .body(body(status, message, field));
    }

    /** For filters that answer before MVC: same shape, serialised by the same JSON library. */
    public static void write(HttpServletResponse response, HttpStatus status, String message) throws IOException {
        response.setStatus(status.value());
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.getWriter().write(JSON.writeValueAsString(body(status, message)));
    }

    @ExceptionHandler(ApiException.class)
    ResponseEntity<Object> api(ApiException e) {
        ResponseEntity.BodyBuilder builder = ResponseEntity.status(e.status()).contentType(MediaType.APPLICATION_JSON);
        if (e.retryAfter() != null) {
            builder.header(
                    HttpHeaders.RETRY_AFTER,
                    Long.toString(Math.max(1, e.retryAfter().toSeconds())));
        }
        return builder.body(body(e.status(), e.getMessage(), e.field()));
    }

    /** Bean Validation on a request record: the first broken rule, naming the field as the caller spelled it. */
    @ExceptionHandler(MethodArgumentNotValidException.class)
    ResponseEntity<Object> invalid(MethodArgumentNotValidException e) {
        FieldError error = e.getBindingResult().getFieldErrors().stream()
                .min(Comparator.comparing(FieldError::getField))
                .orElse(null);
        if (error == null) {
            return response(HttpStatus.BAD_REQUEST, "The request body is not valid.");
        }
        // A list entry's error names the list: "excluded_ips", not "excludedIps[3]".
        String field = snakeCase(error.getField().replaceFirst("\\[.*$", ""));
        return response(HttpStatus.BAD_REQUEST, "Field '" + field + "' " + error.getDefaultMessage() + ".", field);
    }

    /** Bean Validation on query parameters ({@code @RequestParam @Size ...}). */
    @ExceptionHandler(HandlerMethodValidationException.class)
    ResponseEntity<Object> invalidParameter(HandlerMethodValidationException e) {
        for (ParameterValidationResult result : e.getParameterValidationResults()) {
            String name = result.getMethodParameter().getParameterName();
            RequestParam param = result.getMethodParameter().getParameterAnnotation(RequestParam.class);
            if (param != null && !param.name().isEmpty()) name = param.name();
            String reason = result.getResolvableErrors().isEmpty()
                    ? "is not valid"
                    : result.getResolvableErrors().get(0).getDefaultMessage();
            return response(HttpStatus.BAD_REQUEST, "Parameter '" + name + "' " + reason + ".", name);
        }
        return response(HttpStatus.BAD_REQUEST, "The request is not valid.");
    }

    /** Java names to the snake_case the JSON uses (the app's Jackson naming strategy). */
    static String snakeCase(String javaName) {
        return javaName.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
    }

    /**
     * A body that is not JSON, or a value Jackson cannot bind to the request record (a list where a string belongs, a
     * word where a number belongs): the top-level field is named when Jackson knows it, as the caller spelled it.
     */
    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<Object> unreadable(HttpMessageNotReadableException e) {
        if (e.getCause() instanceof DatabindException bind) {
            String field = bind.getPath().stream()
                    .map(JacksonException.Reference::getPropertyName)
                    .filter(name -> name != null)
                    .findFirst()
                    .orElse(null);
            if (field != null) {
                return response(
                        HttpStatus.BAD_REQUEST,
                        "Field '" + field + "' has the wrong type: check the value's type and quoting.",
                        field);
            }
        }
        return response(
                HttpStatus.BAD_REQUEST,
                "The request body is not valid JSON of the expected shape: check field types and quoting.");
    }

    @ExceptionHandler(MissingServletRequestParameterException.class)
    ResponseEntity<Object> missingParameter(MissingServletRequestParameterException e) {
        return response(
                HttpStatus.BAD_REQUEST,
                "Missing query parameter '" + e.getParameterName() + "'.",
                e.getParameterName());
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<Object> typeMismatch(MethodArgumentTypeMismatchException e) {
        return response(HttpStatus.BAD_REQUEST, "Parameter '" + e.getName() + "' has an invalid value.", e.getName());
    }

    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    ResponseEntity<Object> mediaType(HttpMediaTypeNotSupportedException e) {
        return response(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "Send the body as application/json.");
    }

    @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
    ResponseEntity<Object> method(HttpRequestMethodNotSupportedException e) {
        return response(HttpStatus.METHOD_NOT_ALLOWED, "Method " + e.getMethod() + " is not supported here.");
    }

    @ExceptionHandler(NoResourceFoundException.class)
    ResponseEntity<Object> noResource(NoResourceFoundException e) {
        return response(HttpStatus.NOT_FOUND, "Not found.");
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<Object> unexpected(Exception e) {
        log.error("Unhandled error", e);
        return response(HttpStatus.INTERNAL_SERVER_ERROR, "Something went wrong on our side; the error was logged.");
    }
}
