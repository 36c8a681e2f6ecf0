package com.datasaas.enrich;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ReferrerClassifierTest {

    private static final ReferrerClassifier classifier = new ReferrerClassifier();

    private static ReferrerInfo classify(String url) {
        return classifier.classify(url, "example.com");
    }

    @Test
    void google_is_a_search_engine() {
        assertThat(classify("https://www.google.com/"))
                .isEqualTo(new ReferrerInfo("https://www.google.com", "google.com", "Google", ReferrerKind.SEARCH));
    }

    @Test
    void google_under_a_country_domain_is_google() {
        ReferrerInfo info = classify("https://www.google.co.uk/search?q=analytics");
        assertThat(info.kind()).isEqualTo(ReferrerKind.SEARCH);
        assertThat(info.source()).isEqualTo("Google");
        assertThat(info.domain()).isEqualTo("google.co.uk");
        assertThat(info.referrer()).as("query strings are dropped").isEqualTo("https://www.google.co.uk/search");
        assertThat(classify("https://www.google.de/").source()).isEqualTo("Google");
    }

    @Test
    void bing_subdomains_are_bing() {
        assertThat(classify("https://cn.bing.com/search?q=x").source()).isEqualTo("Bing");
        assertThat(classify("https://duckduckgo.com/").kind()).isEqualTo(ReferrerKind.SEARCH);
    }

    @Test
    void facebook_mobile_and_link_shim_are_facebook() {
        assertThat(classify("https://m.facebook.com/"))
                .isEqualTo(
                        new ReferrerInfo("https://m.facebook.com", "m.facebook.com", "Facebook", ReferrerKind.SOCIAL));
        assertThat(classify("https://l.facebook.com/l.php?u=https%3A%2F%2Fexample.com")
                        .source())
                .isEqualTo("Facebook");
    }

    @Test
    void twitter_short_links_and_subdomains_are_twitter() {
        assertThat(classify("https://t.co/abc123"))
                .isEqualTo(new ReferrerInfo("https://t.co/abc123", "t.co", "Twitter", ReferrerKind.SOCIAL));
        assertThat(classify("https://mobile.twitter.com/someone").source()).isEqualTo("Twitter");
    }

    @Test
    void chatgpt_is_an_ai_assistant_though_matomo_also_lists_it_as_search() {
        assertThat(classify("https://chatgpt.com/"))
                .isEqualTo(
                        new ReferrerInfo("https://chatgpt.com", "chatgpt.com", "ChatGPT", ReferrerKind.AI_ASSISTANT));
    }

    @Test
    void the_most_specific_entry_wins() {
        assertThat(classify("https://gemini.google.com/app").kind()).isEqualTo(ReferrerKind.AI_ASSISTANT);
        assertThat(classify("https://x.com/i/grok?conversation=1").source()).isEqualTo("Grok");
        assertThat(classify("https://x.com/someone").source()).isEqualTo("Twitter");
    }

    @Test
    void hacker_news_is_a_social_site_in_matomo_list() {
        assertThat(classify("https://news.ycombinator.com/item?id=1"))
                .isEqualTo(new ReferrerInfo(
                        "https://news.ycombinator.com/item",
                        "news.ycombinator.com",
                        "Hacker News",
                        ReferrerKind.SOCIAL));
    }

    @Test
    void an_unlisted_site_is_other_and_named_by_its_domain() {
        assertThat(classify("https://www.some-blog.org/posts/1"))
                .isEqualTo(new ReferrerInfo(
                        "https://www.some-blog.org/posts/1", "some-blog.org", "some-blog.org", ReferrerKind.OTHER));
    }

    @Test
    void the_site_itself_and_its_subdomains_are_no_referrer() {
        assertThat(classifier.classify("https://www.example.com/pricing", "example.com"))
                .isEqualTo(ReferrerInfo.NONE);
        assertThat(classifier.classify("https://example.com/", "www.example.com"))
                .isEqualTo(ReferrerInfo.NONE);
        assertThat(classifier.classify("https://blog.example.com/", "example.com"))
                .isEqualTo(ReferrerInfo.NONE);
        assertThat(classifier.classify("https://notexample.com/", "example.com").kind())
                .isEqualTo(ReferrerKind.OTHER);
    }

    @Test
    void garbage_and_missing_referrers_are_none() {
        for (String garbage : new String[] {
            null,
            "",
            "   ",
            "not a url at all",
            "javascript:alert(1)",
            "http://",
            "https://exa mple.com/",
            "::::",
            "http://[::1",
            "%%%",
            "file:///etc/passwd"
        }) {
            assertThat(classify(garbage)).as(String.valueOf(garbage)).isEqualTo(ReferrerInfo.NONE);
        }
    }

    @Test
    void urls_are_normalized() {
        assertThat(classify("HTTPS://News.YCombinator.com:443/item#top").referrer())
                .isEqualTo("https://news.ycombinator.com/item");
        assertThat(classify("http://localhost:3000/x").referrer()).isEqualTo("http://localhost:3000/x");
        assertThat(classify("https://user:secret@blog.org/a").referrer()).isEqualTo("https://blog.org/a");
        assertThat(classify("some-blog.org/post").domain()).isEqualTo("some-blog.org");
    }

    @Test
    void android_app_referrers_are_recognised() {
        assertThat(classify("android-app://com.google.android.googlequicksearchbox/")
                        .source())
                .isEqualTo("Google");
    }

    @Test
    void spam_domains_and_their_subdomains_are_spam() throws Exception {
        String firstSpammer;
        try (var reader = new BufferedReader(new InputStreamReader(
                getClass().getResourceAsStream("/enrich/referrers/spammers.txt"), StandardCharsets.UTF_8))) {
            firstSpammer = reader.readLine().strip();
        }
        assertThat(classifier.isSpam(firstSpammer)).isTrue();
        assertThat(classifier.isSpam("www." + firstSpammer)).isTrue();
        assertThat(classifier.isSpam("free.traffic." + firstSpammer)).isTrue();
        assertThat(classifier.isSpam("1-best-seo.com")).isTrue();
        assertThat(classifier.isSpam("google.com")).isFalse();
        assertThat(classifier.isSpam("news.ycombinator.com")).isFalse();
        assertThat(classifier.isSpam(null)).isFalse();
    }

    @Test
    void utm_sources_are_recognised_by_name_and_by_domain() {
        assertThat(classifier.kindOfSource("google")).isEqualTo(ReferrerKind.SEARCH);
        assertThat(classifier.kindOfSource("Google")).isEqualTo(ReferrerKind.SEARCH);
        assertThat(classifier.kindOfSource("bing.com")).isEqualTo(ReferrerKind.SEARCH);
        assertThat(classifier.kindOfSource("facebook")).isEqualTo(ReferrerKind.SOCIAL);
        assertThat(classifier.kindOfSource("fb")).isEqualTo(ReferrerKind.SOCIAL);
        assertThat(classifier.kindOfSource("linkedin")).isEqualTo(ReferrerKind.SOCIAL);
        assertThat(classifier.kindOfSource("chatgpt.com")).isEqualTo(ReferrerKind.AI_ASSISTANT);
        assertThat(classifier.kindOfSource("newsletter")).isEqualTo(ReferrerKind.NONE);
        assertThat(classifier.kindOfSource("")).isEqualTo(ReferrerKind.NONE);
        assertThat(classifier.kindOfSource("---")).isEqualTo(ReferrerKind.NONE);
        assertThat(classifier.kindOfSource("free"))
                .as("an everyday word, not the engine")
                .isEqualTo(ReferrerKind.NONE);
    }
}
