package com.datasaas.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datasaas.app.ApiException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** The streaming reader of event bodies keeps the tree model's meaning of null, repeats, nesting and trailing text. */
class EventRequestTest {
    static final JsonMapper JSON = JsonMapper.builder().build();
    static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");

    static EventRequest parse(String body) {
        return EventRequest.parse(JSON, body.getBytes(StandardCharsets.UTF_8), NOW);
    }

    static String ids(String rest) {
        return "{\"website_id\":\"mrf_1\",\"visitor_id\":\"v\",\"session_id\":\"s\"" + rest + "}";
    }

    @Test
    void a_url_read_by_the_scan_and_one_left_to_uri_give_the_same_fields_and_a_bad_one_the_same_400() {
        // the first is the plain shape PageUrl scans, the second has a port and goes to java.net.URI
        for (String url : new String[] {
            "https://Example.com/pricing?utm_source=news&gclid=x#top",
            "https://Example.com:443/pricing?utm_source=news&gclid=x#top"
        }) {
            EventRequest event = parse(ids(",\"url\":\"" + url + "\""));
            assertThat(event.hostname()).as(url).isEqualTo("example.com");
            assertThat(event.pathname()).as(url).isEqualTo("/pricing");
            assertThat(event.utmSource()).as(url).isEqualTo("news");
            assertThat(event.clickIds()).as(url).containsEntry("gclid", "x");
            assertThat(event.url()).as(url).isEqualTo(url);
        }
        assertThatThrownBy(() -> parse(ids(",\"url\":\"https://example.com/%zz\"")))
                .isInstanceOf(ApiException.class)
                .hasMessage("Field 'url' is not a valid URL.");
        assertThatThrownBy(() -> parse(ids(",\"url\":42")))
                .isInstanceOf(ApiException.class)
                .hasMessage("Field 'url' must be a string.");
    }

    @Test
    void a_pageview_is_read_with_fields_derived_from_its_url() {
        EventRequest event = parse(ids(",\"url\":\"https://Example.com/pricing?utm_source=news&gclid=x\","
                + "\"screen_width\":1440.0,\"unknown\":{\"deep\":[1,2,{\"x\":null}]},\"title\":\"T\""));
        assertThat(event.hostname()).isEqualTo("example.com");
        assertThat(event.pathname()).isEqualTo("/pricing");
        assertThat(event.utmSource()).isEqualTo("news");
        assertThat(event.clickIds()).containsEntry("gclid", "x");
        assertThat(event.screenWidth()).isEqualTo(1440);
        assertThat(event.title()).isEqualTo("T");
        assertThat(event.receivedAt()).isEqualTo(NOW);
    }

    @Test
    void json_null_is_the_same_as_a_missing_field() {
        EventRequest event = parse(ids(",\"url\":\"https://example.com/\",\"title\":null,\"metadata\":null"));
        assertThat(event.title()).isNull();
        assertThat(event.metadata()).isEmpty();
        assertThatThrownBy(() -> parse("{\"website_id\":null,\"visitor_id\":\"v\",\"session_id\":\"s\"}"))
                .hasMessageContaining("'website_id' is required");
    }

    @Test
    void a_repeated_field_keeps_its_last_value() {
        assertThat(parse(ids(",\"url\":\"https://example.com/\",\"title\":\"a\",\"title\":\"b\""))
                        .title())
                .isEqualTo("b");
    }

    @Test
    void objects_and_arrays_where_text_or_numbers_belong_are_400_naming_the_field() {
        assertThatThrownBy(() -> parse(ids(",\"url\":\"https://example.com/\",\"title\":{\"a\":1}")))
                .isInstanceOf(ApiException.class)
                .hasMessageContaining("'title' must be a string");
        assertThatThrownBy(() -> parse(ids(",\"url\":\"https://example.com/\",\"screen_width\":[1]")))
                .hasMessageContaining("'screen_width' must be a number");
        assertThatThrownBy(() -> parse(ids(",\"url\":\"https://example.com/\",\"metadata\":[1]")))
                .hasMessageContaining("'metadata' must be an object");
        assertThatThrownBy(() -> parse(ids(",\"url\":\"https://example.com/\",\"click_ids\":\"x\"")))
                .hasMessageContaining("'click_ids' must be an object");
        assertThatThrownBy(() -> parse("{\"website_id\":true,\"visitor_id\":\"v\",\"session_id\":\"s\"}"))
                .hasMessageContaining("'website_id' must be a non-empty string");
    }

    @Test
    void broken_or_trailing_json_and_non_objects_are_400() {
        assertThatThrownBy(() -> parse(ids(",\"url\":\"https://example.com/\"") + " {}"))
                .hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> parse("{\"website_id\":\"x\",")).hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> parse("\"text\"")).hasMessageContaining("JSON object");
        assertThatThrownBy(() -> parse("   ")).hasMessageContaining("JSON object");
        assertThatThrownBy(() -> parse("")).hasMessageContaining("empty");
    }

    @Test
    void the_invisible_character_test_removes_exactly_what_the_pattern_names() {
        for (int c = 0; c <= Character.MAX_VALUE; c++) {
            String one = String.valueOf((char) c);
            assertThat(EventRequest.invisible((char) c))
                    .as("U+%04X", c)
                    .isEqualTo(EventRequest.INVISIBLE.matcher(one).matches());
        }
        assertThat(EventRequest.clean("a\u202Eb\u0000c\u0085d\u2067")).isEqualTo("abcd");
        String plain = "Pricing \u2013 Example";
        assertThat(EventRequest.clean(plain)).isSameAs(plain);
        assertThat(EventRequest.clean(null)).isNull();
    }
}
