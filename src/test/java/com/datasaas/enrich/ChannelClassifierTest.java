package com.datasaas.enrich;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ChannelClassifierTest {

    private static final ReferrerClassifier referrers = new ReferrerClassifier();
    private static final ChannelClassifier channels = new ChannelClassifier(referrers);

    private static ReferrerInfo from(String url) {
        return referrers.classify(url, "example.com");
    }

    private static Channel referrerOnly(String url) {
        return channels.classify(from(url), null, null, null, Map.of());
    }

    private static Channel tagged(String source, String medium) {
        return channels.classify(ReferrerInfo.NONE, source, medium, null, Map.of());
    }

    @Test
    void nothing_at_all_is_direct() {
        assertThat(channels.classify(ReferrerInfo.NONE, null, null, null, Map.of()))
                .isEqualTo(Channel.DIRECT);
        assertThat(channels.classify(null, null, null, null, null)).isEqualTo(Channel.DIRECT);
        assertThat(channels.classify(ReferrerInfo.NONE, null, null, "spring_sale", Map.of()))
                .as("a campaign name alone says nothing about where the visit came from")
                .isEqualTo(Channel.DIRECT);
        assertThat(referrerOnly("https://www.example.com/")).as("self-referral").isEqualTo(Channel.DIRECT);
    }

    @Test
    void search_engine_referrers_are_organic_search() {
        assertThat(referrerOnly("https://www.google.co.uk/")).isEqualTo(Channel.ORGANIC_SEARCH);
        assertThat(tagged("newsletter", "organic")).isEqualTo(Channel.ORGANIC_SEARCH);
        assertThat(tagged("duckduckgo", null)).isEqualTo(Channel.ORGANIC_SEARCH);
    }

    @Test
    void search_sources_with_paid_mediums_are_paid_search() {
        assertThat(tagged("google", "cpc")).isEqualTo(Channel.PAID_SEARCH);
        assertThat(tagged("Bing", "PPC")).isEqualTo(Channel.PAID_SEARCH);
        assertThat(tagged("google", "paid-search")).isEqualTo(Channel.PAID_SEARCH);
        assertThat(channels.classify(from("https://www.google.com/"), null, "cpc", null, Map.of()))
                .isEqualTo(Channel.PAID_SEARCH);
    }

    @Test
    void search_ad_click_ids_are_paid_search() {
        assertThat(channels.classify(ReferrerInfo.NONE, null, null, null, Map.of("gclid", "Cj0KCQ")))
                .isEqualTo(Channel.PAID_SEARCH);
        assertThat(channels.classify(from("https://www.bing.com/"), null, null, null, Map.of("msclkid", "abc")))
                .isEqualTo(Channel.PAID_SEARCH);
        assertThat(channels.classify(ReferrerInfo.NONE, null, null, null, Map.of("gclid", " ")))
                .as("a blank click id is no click id")
                .isEqualTo(Channel.DIRECT);
    }

    @Test
    void social_referrers_are_organic_social() {
        assertThat(referrerOnly("https://m.facebook.com/")).isEqualTo(Channel.ORGANIC_SOCIAL);
        assertThat(referrerOnly("https://t.co/xyz")).isEqualTo(Channel.ORGANIC_SOCIAL);
        assertThat(tagged("mastodon-post", "social")).isEqualTo(Channel.ORGANIC_SOCIAL);
        assertThat(tagged("partner", "Social Media")).isEqualTo(Channel.ORGANIC_SOCIAL);
        assertThat(channels.classify(from("https://l.facebook.com/"), null, null, null, Map.of("fbclid", "IwAR")))
                .as("facebook adds fbclid to organic links too")
                .isEqualTo(Channel.ORGANIC_SOCIAL);
    }

    @Test
    void social_sources_with_paid_mediums_or_ad_click_ids_are_paid_social() {
        assertThat(tagged("facebook", "paid_social")).isEqualTo(Channel.PAID_SOCIAL);
        assertThat(tagged("linkedin", "cpc")).isEqualTo(Channel.PAID_SOCIAL);
        assertThat(tagged("facebook", "cpm"))
                .as("cpm is paid before it is display")
                .isEqualTo(Channel.PAID_SOCIAL);
        assertThat(channels.classify(ReferrerInfo.NONE, null, "paid", null, Map.of("fbclid", "IwAR")))
                .isEqualTo(Channel.PAID_SOCIAL);
        assertThat(channels.classify(ReferrerInfo.NONE, null, null, null, Map.of("ttclid", "E.C.P")))
                .isEqualTo(Channel.PAID_SOCIAL);
        assertThat(channels.classify(ReferrerInfo.NONE, null, null, null, Map.of("li_fat_id", "1")))
                .isEqualTo(Channel.PAID_SOCIAL);
    }

    @Test
    void email_in_source_or_medium_is_email() {
        assertThat(tagged("newsletter", "email")).isEqualTo(Channel.EMAIL);
        assertThat(tagged("mailchimp", "E-Mail")).isEqualTo(Channel.EMAIL);
        assertThat(tagged("email", null)).isEqualTo(Channel.EMAIL);
        assertThat(tagged("weekly", "newsletter")).isEqualTo(Channel.EMAIL);
    }

    @Test
    void affiliate_medium_is_affiliates() {
        assertThat(tagged("partner-blog", "affiliate")).isEqualTo(Channel.AFFILIATES);
    }

    @Test
    void display_mediums_are_display() {
        assertThat(tagged("adnetwork", "display")).isEqualTo(Channel.DISPLAY);
        assertThat(tagged("adnetwork", "banner")).isEqualTo(Channel.DISPLAY);
        assertThat(tagged("adnetwork", "cpm")).isEqualTo(Channel.DISPLAY);
        assertThat(channels.classify(ReferrerInfo.NONE, "google", "display", null, Map.of("gclid", "x")))
                .as("Google display ads carry a gclid too")
                .isEqualTo(Channel.DISPLAY);
    }

    @Test
    void other_referrers_and_ai_assistants_are_referral() {
        assertThat(referrerOnly("https://news.example.org/story")).isEqualTo(Channel.REFERRAL);
        assertThat(referrerOnly("https://chatgpt.com/")).isEqualTo(Channel.REFERRAL);
        assertThat(tagged("chatgpt.com", null)).isEqualTo(Channel.REFERRAL);
        assertThat(tagged("partner", "referral")).isEqualTo(Channel.REFERRAL);
    }

    @Test
    void tagged_traffic_that_fits_no_rule_is_referral_not_direct() {
        assertThat(tagged("podcast", null)).isEqualTo(Channel.REFERRAL);
        assertThat(tagged("sponsor", "cpc")).as("GA4 would say Paid Other").isEqualTo(Channel.REFERRAL);
    }

    @Test
    void a_tagged_source_wins_over_the_referrer() {
        assertThat(channels.classify(from("https://www.google.com/"), "newsletter", "email", null, Map.of()))
                .isEqualTo(Channel.EMAIL);
    }

    @Test
    void labels_are_what_the_dashboard_shows() {
        assertThat(Channel.ORGANIC_SEARCH.label()).isEqualTo("Organic Search");
        assertThat(Channel.DIRECT.label()).isEqualTo("Direct");
    }
}
