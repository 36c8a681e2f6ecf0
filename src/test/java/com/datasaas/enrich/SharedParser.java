package com.datasaas.enrich;

/** One Yauaa analyzer for all tests: building it takes seconds and over 100 MB. */
final class SharedParser {

    static final UserAgentParser PARSER = new UserAgentParser();

    private SharedParser() {}
}
