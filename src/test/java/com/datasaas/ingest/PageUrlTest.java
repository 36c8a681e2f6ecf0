package com.datasaas.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datasaas.app.ApiException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PageUrlTest {

    /** What the endpoint did before the scan: {@code new URI} on the stripped text; "400" for its refusal. */
    private static Object byUri(String url) {
        if (url == null || url.isBlank()) return null;
        try {
            URI uri = new URI(url.strip());
            return uri.getScheme() == null ? null : new PageUrl(uri.getHost(), uri.getRawPath(), uri.getRawQuery());
        } catch (URISyntaxException e) {
            return "400";
        }
    }

    private static Object byPageUrl(String url) {
        try {
            return PageUrl.parse(url);
        } catch (ApiException e) {
            assertThat(e.getMessage()).isEqualTo("Field 'url' is not a valid URL.");
            assertThat(e.status().value()).isEqualTo(400);
            return "400";
        }
    }

    @Test
    void the_usual_urls_are_read_by_the_scan_with_the_parts_uri_gives() {
        List<String> usual = List.of(
                "https://example.com/",
                "https://example.com",
                "http://www.example.com/blog/how-we-count?utm_source=newsletter&utm_medium=email#top",
                "https://shop.example.co.uk/p/123;jsessionid=x?q=a%20b&tags[]=1",
                "https://Example.COM/Path/",
                "https://example.com/?",
                "https://example.com#",
                "https://example.com?a=1",
                "https://localhost/",
                "https://a-b.c-d.example/~user/(1)/*/!/$,'",
                "https://1password.com/",
                "https://1.2.3.4.example/",
                "https://example.com/%E2%82%AC?x=%2F#frag/with?query");
        for (String url : usual) {
            assertThat(PageUrl.plain(url)).as(url).isNotNull().isEqualTo(byUri(url));
        }
        assertThat(PageUrl.parse(" https://example.com/a?b=c \n")).isEqualTo(new PageUrl("example.com", "/a", "b=c"));
    }

    @Test
    void anything_else_gets_uris_answer_or_its_400() {
        List<String> others = List.of(
                "https://example.com:8080/",
                "https://user:pw@example.com/",
                "https://1.2.3.4/",
                "https://[2001:db8::1]/x",
                "https://example.com./",
                "https://exa_mple.com/",
                "https://-example.com/",
                "https://example-.com/",
                "https://example.123/",
                "https://123/",
                "https:///path",
                "https://",
                "https:",
                "//example.com/relative",
                "/relative?x=1",
                "mailto:someone@example.com",
                "javascript:alert(1)",
                "1https://example.com/",
                "https://example.com/a b",
                "https://example.com/%zz",
                "https://example.com/%4",
                "https://example.com/a#b#c",
                "https://example.com/ä?ö=ü",
                "https://bücher.example/",
                "https://example.com/\u0007",
                "https://example.com/a\"b<c>d{e}|^`\\",
                "https://exa\tmple.com/",
                "",
                "   ",
                "\u0000",
                "not a url at all");
        for (String url : others) {
            assertThat(byPageUrl(url)).as(url).isEqualTo(byUri(url));
        }
        assertThat(PageUrl.parse(null)).isNull();
        assertThatThrownBy(() -> PageUrl.parse("https://example.com/%zz"))
                .isInstanceOf(ApiException.class)
                .hasMessage("Field 'url' is not a valid URL.");
    }

    @Test
    void a_huge_url_is_read_whole() {
        String url = "https://example.com/" + "a/".repeat(50_000) + "?q=" + "x".repeat(50_000);
        PageUrl page = PageUrl.plain(url);
        assertThat(page).isNotNull().isEqualTo(byUri(url));
        assertThat(page.rawQuery()).hasSize(50_002);
    }

    /**
     * Near misses of the usual shape, a few characters at a time from an alphabet of everything either parser treats
     * specially: each one must get URI's parts, or its 400. The scan must also have taken a good share of them itself.
     */
    @Test
    void random_near_misses_get_exactly_what_uri_gives() {
        String[] pieces = {
            "a",
            "Z",
            "0",
            "9",
            "-",
            ".",
            "_",
            "~",
            "%",
            "%2",
            "%2F",
            "%zz",
            "/",
            "//",
            "?",
            "#",
            ":",
            "@",
            "[",
            "]",
            ";",
            "=",
            "&",
            "+",
            "$",
            ",",
            "!",
            "*",
            "'",
            "(",
            ")",
            " ",
            "\t",
            "\u0001",
            "\u007f",
            "\u0085",
            "é",
            "\u200e",
            "\"",
            "<",
            ">",
            "\\",
            "^",
            "`",
            "{",
            "|",
            "}",
            "1.2.3.4",
            "example",
            "com",
            "https:",
            "https://",
            "http://",
            "xn--",
            ":80",
            "ß"
        };
        SplittableRandom random = new SplittableRandom(42);
        int byScan = 0;
        int total = 300_000;
        for (int i = 0; i < total; i++) {
            StringBuilder url = new StringBuilder();
            if (random.nextInt(4) != 0) url.append(random.nextBoolean() ? "https://" : "http://");
            if (random.nextInt(3) != 0) url.append(random.nextBoolean() ? "www.example.com" : "a-b.example");
            int length = random.nextInt(8);
            for (int p = 0; p < length; p++) url.append(pieces[random.nextInt(pieces.length)]);
            String text = url.toString();
            assertThat(byPageUrl(text)).as(text).isEqualTo(byUri(text));
            if (PageUrl.plain(text.strip()) != null) byScan++;
        }
        assertThat(byScan).as("URLs the scan read itself").isGreaterThan(total / 20);
    }
}
