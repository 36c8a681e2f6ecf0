package com.datasaas.enrich;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class BotDetectorTest {

    private final UserAgentParser parser = SharedParser.PARSER;
    private final BotDetector detector = new BotDetector();

    private boolean isBot(String userAgent) {
        return detector.isBot(userAgent, parser.parse(userAgent));
    }

    @Test
    void real_browsers_are_not_bots() {
        for (String browser : List.of(
                UserAgentParserTest.CHROME_WINDOWS,
                UserAgentParserTest.SAFARI_IPHONE,
                UserAgentParserTest.SAFARI_IPAD,
                UserAgentParserTest.FIREFOX_LINUX,
                UserAgentParserTest.EDGE,
                UserAgentParserTest.SAMSUNG_INTERNET,
                UserAgentParserTest.SAFARI_MAC)) {
            assertThat(isBot(browser)).as(browser).isFalse();
        }
    }

    @Test
    void crawlers_are_bots() {
        assertThat(isBot(UserAgentParserTest.GOOGLEBOT)).isTrue();
        assertThat(isBot(UserAgentParserTest.BINGBOT)).isTrue();
    }

    @Test
    void headless_browsers_and_http_libraries_are_bots() {
        assertThat(isBot(UserAgentParserTest.HEADLESS_CHROME)).isTrue();
        assertThat(isBot(UserAgentParserTest.CURL)).isTrue();
        assertThat(isBot(UserAgentParserTest.PYTHON_REQUESTS)).isTrue();
    }

    @Test
    void the_isbot_list_alone_catches_crawlers_without_the_parser() {
        assertThat(detector.isBot("Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)", null))
                .isTrue();
        assertThat(detector.isBot(UserAgentParserTest.HEADLESS_CHROME, null)).isTrue();
        assertThat(detector.isBot(
                        "Mozilla/5.0 (Unknown; Linux x86_64) AppleWebKit/538.1 (KHTML, like Gecko)"
                                + " PhantomJS/2.1.1 Safari/538.1",
                        null))
                .isTrue();
        assertThat(detector.isBot(UserAgentParserTest.FIREFOX_LINUX, null)).isFalse();
    }

    @Test
    void an_absent_or_blank_user_agent_is_a_bot() {
        assertThat(detector.isBot(null, null)).isTrue();
        assertThat(detector.isBot("", null)).isTrue();
        assertThat(detector.isBot("  \t", null)).isTrue();
    }

    @Test
    void garbage_user_agents_are_bots() {
        assertThat(detector.isBot("abc", null)).as("too short").isTrue();
        assertThat(detector.isBot("12345 6789/0.1", null)).as("no letters").isTrue();
    }

    @Test
    void the_parser_robot_verdict_counts() {
        var robot = new UserAgentInfo(null, null, null, null, "desktop", true);
        assertThat(detector.isBot(UserAgentParserTest.CHROME_WINDOWS, robot)).isTrue();
    }

    @Test
    void every_isbot_pattern_compiles_on_its_own() {
        List<String> patterns = BotDetector.loadPatterns();
        assertThat(patterns).hasSizeGreaterThan(200).noneMatch(String::isBlank);
        patterns.forEach(java.util.regex.Pattern::compile);
    }
}
