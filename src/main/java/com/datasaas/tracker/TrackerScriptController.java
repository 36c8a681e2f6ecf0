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
 * is a day with revalidation by ETag rather than "immutable". Two builds of one source: the regular script and the
 * cookieless one (no cookie, no storage, no ids; docs/cookieless.md), each at its own URL so the regular script
 * carries nothing of the other.
 */
@RestController
class TrackerScriptController {
    private static final CacheControl CACHE =
            CacheControl.maxAge(Duration.ofDays(1)).cachePublic().staleWhileRevalidate(Duration.ofDays(7));
    private static final String JAVASCRIPT = "application/javascript";

    /** One build of the script: its bytes plain and precompressed, and their ETag. */
    private record Script(byte[] plain, byte[] gzip, byte[] brotli, String etag) {
        static Script load(String name) {
            byte[] plain = TrackerScriptController.load("tracker/" + name);
            return new Script(
                    plain,
                    TrackerScriptController.load("tracker/" + name + ".gz"),
                    TrackerScriptController.load("tracker/" + name + ".br"),
                    "\"" + sha256(plain).substring(0, 16) + "\"");
        }
    }

    private final Script regular = Script.load("script.js");
    private final Script cookieless = Script.load("script.cookieless.js");

    @GetMapping("/js/script.js")
    @ApiResponse(
            responseCode = "200",
            description = "The tracker, minified; gzip or brotli when accepted; cached for a day.",
            content = @Content(mediaType = "application/javascript", schema = @Schema(type = "string")))
    @ApiResponse(responseCode = "304", description = "Not modified (If-None-Match matched the ETag).")
    ResponseEntity<byte[]> script(@io.swagger.v3.oas.annotations.Parameter(hidden = true) HttpServletRequest request) {
        return serve(regular, request);
    }

    @GetMapping("/js/script.cookieless.js")
    @ApiResponse(
            responseCode = "200",
            description = "The cookieless tracker (no cookie, no storage, no ids; for websites in cookieless mode),"
                    + " minified; gzip or brotli when accepted; cached for a day.",
            content = @Content(mediaType = "application/javascript", schema = @Schema(type = "string")))
    @ApiResponse(responseCode = "304", description = "Not modified (If-None-Match matched the ETag).")
    ResponseEntity<byte[]> cookielessScript(
            @io.swagger.v3.oas.annotations.Parameter(hidden = true) HttpServletRequest request) {
        return serve(cookieless, request);
    }

    private static ResponseEntity<byte[]> serve(Script script, HttpServletRequest request) {
        String etag = script.etag();
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
            return response.header(HttpHeaders.CONTENT_ENCODING, "br").body(script.brotli());
        }
        if (accepted.contains("gzip")) {
            return response.header(HttpHeaders.CONTENT_ENCODING, "gzip").body(script.gzip());
        }
        return response.body(script.plain());
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
