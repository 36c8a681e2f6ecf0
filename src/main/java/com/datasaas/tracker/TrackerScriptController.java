package com.datasaas.tracker;

import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Serves the tracker built by {@code tracker/} (minified, with gzip and brotli variants made at build time), held in
 * memory: it is requested by every page view of every tracked site. The URL is not versioned, so the cache lifetime
 * is a day with revalidation by ETag rather than "immutable".
 */
@RestController
class TrackerScriptController {
    private static final CacheControl CACHE =
            CacheControl.maxAge(Duration.ofDays(1)).cachePublic().staleWhileRevalidate(Duration.ofDays(7));
    private static final String JAVASCRIPT = "application/javascript";

    private final byte[] plain = load("tracker/script.js");
    private final byte[] gzip = load("tracker/script.js.gz");
    private final byte[] brotli = load("tracker/script.js.br");
    private final String etag = "\"" + sha256(plain).substring(0, 16) + "\"";

    @GetMapping("/js/script.js")
    @ApiResponse(
            responseCode = "200",
            description = "The tracker, minified; gzip or brotli when accepted; cached for a day.",
            content = @Content(mediaType = "application/javascript", schema = @Schema(type = "string")))
    @ApiResponse(responseCode = "304", description = "Not modified (If-None-Match matched the ETag).")
    ResponseEntity<byte[]> script(@io.swagger.v3.oas.annotations.Parameter(hidden = true) HttpServletRequest request) {
        String ifNoneMatch = request.getHeader(HttpHeaders.IF_NONE_MATCH);
        if (ifNoneMatch != null && ifNoneMatch.contains(etag)) {
            return ResponseEntity.status(HttpStatus.NOT_MODIFIED)
                    .eTag(etag)
                    .cacheControl(CACHE)
                    .build();
        }
        String accepted = request.getHeader(HttpHeaders.ACCEPT_ENCODING);
        accepted = accepted == null ? "" : accepted.toLowerCase(Locale.ROOT);
        ResponseEntity.BodyBuilder response = ResponseEntity.ok()
                .header(HttpHeaders.CONTENT_TYPE, JAVASCRIPT)
                .header(HttpHeaders.VARY, HttpHeaders.ACCEPT_ENCODING)
                .header("Access-Control-Allow-Origin", "*")
                .eTag(etag)
                .cacheControl(CACHE);
        if (accepted.contains("br")) {
            return response.header(HttpHeaders.CONTENT_ENCODING, "br").body(brotli);
        }
        if (accepted.contains("gzip")) {
            return response.header(HttpHeaders.CONTENT_ENCODING, "gzip").body(gzip);
        }
        return response.body(plain);
    }

    private static byte[] load(String resource) {
        try (InputStream in = TrackerScriptController.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing from the build: run ./mvnw package (it builds"
                        + " tracker/ with npm).");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
