package com.datasaas.enrich;

import static org.assertj.core.api.Assertions.assertThat;

import com.esotericsoftware.kryo.io.Output;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import nl.basjes.parse.useragent.UserAgent;
import nl.basjes.parse.useragent.UserAgentAnalyzer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

class PreparedAnalyzerTest {

    /** The user agents of the test cases in Yauaa's own rule files: thousands of browsers, devices and robots. */
    static final Pattern TEST_USER_AGENT =
            Pattern.compile("^\\s*user_agent_string\\s*:\\s*(['\"])(.*)\\1\\s*$", Pattern.MULTILINE);

    static UserAgentAnalyzer built;
    static UserAgentAnalyzer read;

    @BeforeAll
    static void writeAndReadBack(@TempDir Path dir) throws IOException {
        built = UserAgentParser.newAnalyzer();
        Path file = dir.resolve("datasaas-ua.kryo");
        PreparedAnalyzer.write(file, built);
        read = PreparedAnalyzer.read(file);
    }

    @Test
    void the_analyzer_read_back_gives_the_built_ones_fields_for_every_user_agent_of_yauaas_test_cases()
            throws IOException {
        assertThat(read).as("the prepared file is read").isNotNull();
        Set<String> userAgents = yauaaTestUserAgents();
        assertThat(userAgents)
                .as("Yauaa's rule files still carry their test cases")
                .hasSizeGreaterThan(2_000);
        List<String> differences = new ArrayList<>();
        for (String userAgent : userAgents) {
            UserAgent expected = built.parse(userAgent);
            UserAgent actual = read.parse(userAgent);
            for (String field : UserAgentParser.FIELDS) {
                if (!expected.getValue(field).equals(actual.getValue(field))) {
                    differences.add(field + " of " + userAgent + ": " + actual.getValue(field) + " instead of "
                            + expected.getValue(field));
                }
            }
        }
        assertThat(differences).isEmpty();
    }

    @Test
    void a_file_for_another_yauaa_build_or_field_list_is_not_read(@TempDir Path dir) throws IOException {
        Path other = dir.resolve("other.kryo");
        try (var output = new Output(Files.newOutputStream(other))) {
            output.writeString(PreparedAnalyzer.header().replace("fields ", "fields Something,"));
            output.writeString("not an analyzer");
        }
        assertThat(PreparedAnalyzer.read(other)).isNull();
    }

    @Test
    void a_missing_or_damaged_file_is_not_read_and_nothing_is_thrown(@TempDir Path dir) throws IOException {
        assertThat(PreparedAnalyzer.read(dir.resolve("missing.kryo"))).isNull();
        Path damaged = dir.resolve("damaged.kryo");
        try (var output = new Output(Files.newOutputStream(damaged))) {
            output.writeString(PreparedAnalyzer.header());
            output.writeString("the header is right, the rest is not an analyzer");
        }
        assertThat(PreparedAnalyzer.read(damaged)).isNull();
    }

    private static Set<String> yauaaTestUserAgents() throws IOException {
        Set<String> userAgents = new TreeSet<>();
        for (Resource rules :
                new PathMatchingResourcePatternResolver().getResources("classpath*:UserAgents/**/*.yaml")) {
            try (InputStream in = rules.getInputStream()) {
                Matcher m = TEST_USER_AGENT.matcher(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                while (m.find()) {
                    userAgents.add(m.group(2));
                }
            }
        }
        return userAgents;
    }
}
