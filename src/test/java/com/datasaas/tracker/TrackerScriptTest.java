package com.datasaas.tracker;

import static org.assertj.core.api.Assertions.assertThat;

import com.datasaas.support.ApiClient;
import com.datasaas.support.RunningApp;
import java.net.URI;
import java.net.http.HttpRequest;
import org.junit.jupiter.api.Test;

class TrackerScriptTest extends RunningApp {

    ApiClient.Response fetch(String acceptEncoding, String ifNoneMatch) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/js/script.js"));
        if (acceptEncoding != null) request.header("Accept-Encoding", acceptEncoding);
        if (ifNoneMatch != null) request.header("If-None-Match", ifNoneMatch);
        return newClient().raw(request);
    }

    @Test
    void script_is_served_as_javascript_with_etag_and_long_cache() {
        ApiClient.Response plain = fetch(null, null);
        assertThat(plain.status()).isEqualTo(200);
        assertThat(plain.header("Content-Type")).startsWith("application/javascript");
        assertThat(plain.header("Cache-Control")).contains("max-age=86400");
        assertThat(plain.body()).contains("/api/events");
        String etag = plain.header("ETag");
        assertThat(etag).isNotBlank();

        assertThat(fetch(null, etag).status()).isEqualTo(304);
    }

    @Test
    void compressed_variants_are_served_when_accepted() {
        assertThat(fetch("gzip, deflate, br", null).header("Content-Encoding")).isEqualTo("br");
        assertThat(fetch("gzip", null).header("Content-Encoding")).isEqualTo("gzip");
        assertThat(fetch("identity", null).header("Content-Encoding")).isNull();
    }
}
