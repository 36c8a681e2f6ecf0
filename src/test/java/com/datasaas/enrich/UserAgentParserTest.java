package com.datasaas.enrich;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UserAgentParserTest {

    static final String CHROME_WINDOWS =
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36";
    static final String SAFARI_IPHONE =
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1";
    static final String SAFARI_IPAD =
            "Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1";
    static final String FIREFOX_LINUX = "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0";
    static final String EDGE =
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.80";
    static final String SAMSUNG_INTERNET =
            "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/24.0 Chrome/117.0.0.0 Mobile Safari/537.36";
    static final String SAFARI_MAC =
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15";
    static final String GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";
    static final String BINGBOT = "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)";
    static final String HEADLESS_CHROME =
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/124.0.6367.60 Safari/537.36";
    static final String CURL = "curl/8.5.0";
    static final String PYTHON_REQUESTS = "python-requests/2.31.0";

    private final UserAgentParser parser = SharedParser.PARSER;

    @Test
    void chrome_on_windows_is_a_desktop_browser() {
        assertThat(parser.parse(CHROME_WINDOWS))
                .isEqualTo(new UserAgentInfo("Chrome", "124", "Windows", null, "desktop", false));
    }

    @Test
    void safari_on_an_iphone_is_mobile() {
        assertThat(parser.parse(SAFARI_IPHONE))
                .isEqualTo(new UserAgentInfo("Safari", "17", "iOS", "17", "mobile", false));
    }

    @Test
    void safari_on_an_ipad_is_a_tablet() {
        assertThat(parser.parse(SAFARI_IPAD))
                .isEqualTo(new UserAgentInfo("Safari", "16", "iOS", "16", "tablet", false));
    }

    @Test
    void firefox_on_linux_is_a_desktop_browser() {
        assertThat(parser.parse(FIREFOX_LINUX))
                .isEqualTo(new UserAgentInfo("Firefox", "125", "Linux", null, "desktop", false));
    }

    @Test
    void edge_is_told_apart_from_chrome() {
        UserAgentInfo info = parser.parse(EDGE);
        assertThat(info.browser()).isEqualTo("Edge");
        assertThat(info.os()).isEqualTo("Windows");
        assertThat(info.osVersion()).as("'>=10' loses its lower-bound marker").isEqualTo("10");
        assertThat(info.robot()).isFalse();
    }

    @Test
    void samsung_internet_on_android_is_mobile_with_its_people_name() {
        assertThat(parser.parse(SAMSUNG_INTERNET))
                .isEqualTo(new UserAgentInfo("Samsung Internet", "24", "Android", "14", "mobile", false));
    }

    @Test
    void safari_on_a_mac_reports_macos() {
        UserAgentInfo info = parser.parse(SAFARI_MAC);
        assertThat(info.os()).isEqualTo("macOS");
        assertThat(info.osVersion()).isEqualTo("10.15");
        assertThat(info.deviceType()).isEqualTo("desktop");
    }

    @Test
    void crawlers_scripts_and_headless_browsers_are_robots() {
        assertThat(parser.parse(GOOGLEBOT).robot()).isTrue();
        assertThat(parser.parse(BINGBOT).robot()).isTrue();
        assertThat(parser.parse(HEADLESS_CHROME).robot()).isTrue();
        assertThat(parser.parse(CURL).robot()).isTrue();
        assertThat(parser.parse(PYTHON_REQUESTS).robot()).isTrue();
    }

    @Test
    void googlebot_is_named() {
        assertThat(parser.parse(GOOGLEBOT).browser()).isEqualTo("Googlebot");
    }

    @Test
    void an_absent_or_blank_user_agent_is_empty_and_a_robot() {
        assertThat(parser.parse(null)).isEqualTo(UserAgentInfo.EMPTY);
        assertThat(parser.parse("   ")).isEqualTo(UserAgentInfo.EMPTY);
        assertThat(UserAgentInfo.EMPTY.robot()).isTrue();
    }

    @Test
    void garbage_is_not_given_made_up_names() {
        UserAgentInfo info = parser.parse("Hello");
        assertThat(info.browser()).isNull();
        assertThat(info.os()).isNull();
        assertThat(info.deviceType()).isEqualTo("desktop");
        assertThat(info.robot()).isTrue();
    }

    @Test
    void the_same_user_agent_is_answered_from_the_cache() {
        assertThat(parser.parse(CHROME_WINDOWS)).isSameAs(parser.parse(CHROME_WINDOWS));
    }

    @Test
    void device_classes_map_to_three_device_types() {
        assertThat(UserAgentParser.deviceType("Phone")).isEqualTo("mobile");
        assertThat(UserAgentParser.deviceType("Watch")).isEqualTo("mobile");
        assertThat(UserAgentParser.deviceType("Tablet")).isEqualTo("tablet");
        assertThat(UserAgentParser.deviceType("eReader")).isEqualTo("tablet");
        assertThat(UserAgentParser.deviceType("TV")).isEqualTo("desktop");
        assertThat(UserAgentParser.deviceType("Unknown")).isEqualTo("desktop");
    }
}
