package com.datasaas.enrich;

/**
 * What a visitor's browser says about itself, in the words the dashboard shows.
 *
 * @param browser e.g. "Chrome", "Safari", "Samsung Internet"; null when unknown
 * @param browserVersion major version, e.g. "124"; null when unknown
 * @param os e.g. "Windows", "macOS", "iOS", "Android", "Linux"; null when unknown
 * @param osVersion major version, e.g. "17" or "10.15"; null when unknown
 * @param deviceType "desktop", "mobile" or "tablet"; anything else (TVs, consoles, unknown) is "desktop"
 * @param robot the parser recognised a crawler, script or forged user agent
 */
public record UserAgentInfo(
        String browser, String browserVersion, String os, String osVersion, String deviceType, boolean robot) {

    public static final String DESKTOP = "desktop";
    public static final String MOBILE = "mobile";
    public static final String TABLET = "tablet";

    /** An absent or blank user agent: nothing known, and no real browser sends one. */
    public static final UserAgentInfo EMPTY = new UserAgentInfo(null, null, null, null, DESKTOP, true);
}
