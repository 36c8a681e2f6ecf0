package com.datasaas.tracker;

import static org.assertj.core.api.Assertions.assertThat;

import com.datasaas.support.ApiClient;
import com.datasaas.support.RunningApp;
import java.net.URI;
import java.net.http.HttpRequest;
import org.junit.jupiter.api.Test;

class TrackerScriptTest extends RunningApp {

    ApiClient.Response fetch(String acceptEncoding, String ifNoneMatch) {
        return fetch("/js/script.js", acceptEncoding, ifNoneMatch);
    }

    ApiClient.Response fetch(String path, String acceptEncoding, String ifNoneMatch) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path));
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

    @Test
    void the_cookieless_variant_is_served_beside_it_with_its_own_etag_and_no_cookie_code() {
        ApiClient.Response regular = fetch(null, null);
        ApiClient.Response cookieless = fetch("/js/script.cookieless.js", null, null);
        assertThat(cookieless.status()).isEqualTo(200);
        assertThat(cookieless.header("Content-Type")).startsWith("application/javascript");
        assertThat(cookieless.body())
                .contains("/api/events")
                .doesNotContain("cookie")
                .doesNotContain("visitor_id");
        assertThat(regular.body()).contains("datasaas_visitor_id");
        assertThat(cookieless.header("ETag")).isNotEqualTo(regular.header("ETag"));
        // Served by the public chain like the regular script: no session, no XSRF cookie, nothing stored anywhere.
        assertThat(cookieless.raw().headers().allValues("Set-Cookie")).isEmpty();
        assertThat(fetch("/js/script.cookieless.js", null, cookieless.header("ETag"))
                        .status())
                .isEqualTo(304);
        assertThat(fetch("/js/script.cookieless.js", "gzip", null).header("Content-Encoding"))
                .isEqualTo("gzip");
    }
}
