package com.datasaas.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datasaas.app.ApiException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;

/** The endpoint's media-type rule, without a server: the usual types skip parsing, and only types parsing accepts. */
class IngestEndpointTest {

    @Test
    void the_usual_media_types_accepted_without_parsing_are_ones_parsing_accepts() {
        for (String usual : IngestEndpoint.USUAL_MEDIA_TYPES) {
            MediaType type = MediaType.parseMediaType(usual);
            assertThat(type.equalsTypeAndSubtype(MediaType.APPLICATION_JSON)
                            || type.equalsTypeAndSubtype(MediaType.TEXT_PLAIN))
                    .as(usual)
                    .isTrue();
            IngestEndpoint.checkMediaType(usual);
        }
    }

    @Test
    void other_spellings_are_parsed_and_near_misses_refused() {
        IngestEndpoint.checkMediaType("APPLICATION/JSON; Charset=UTF-8");
        IngestEndpoint.checkMediaType("Text/Plain");
        for (String refused : List.of("application/jsonp", "text/plainx", "garbage", "")) {
            assertThatThrownBy(() -> IngestEndpoint.checkMediaType(refused))
                    .as(refused)
                    .isInstanceOf(ApiException.class)
                    .hasMessageContaining("application/json");
        }
    }
}
