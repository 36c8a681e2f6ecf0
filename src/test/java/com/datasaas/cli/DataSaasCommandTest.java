package com.datasaas.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The service's start skips picocli only when the arguments ask for nothing but the service; anything else (a command,
 * help, version, a mistyped word) still goes through picocli and its messages.
 */
class DataSaasCommandTest {

    @Test
    void noArgumentsServeWithoutPicocli() {
        assertThat(DataSaasCommand.serveArguments(new String[0])).isEmpty();
    }

    @Test
    void serveAndSpringArgumentsPassTheSpringArgumentsOn() {
        assertThat(DataSaasCommand.serveArguments(new String[] {"serve"})).isEmpty();
        assertThat(DataSaasCommand.serveArguments(new String[] {"--server.port=9000", "--debug"}))
                .isEqualTo(List.of("--server.port=9000", "--debug"));
        assertThat(DataSaasCommand.serveArguments(new String[] {"serve", "--server.port=9000"}))
                .isEqualTo(List.of("--server.port=9000"));
    }

    @Test
    void commandsHelpVersionAndMistypedWordsGoThroughPicocli() {
        for (String[] args : List.of(
                new String[] {"backup", "/tmp/b"},
                new String[] {"--help"},
                new String[] {"--version"},
                new String[] {"-h"},
                new String[] {"serve", "--help"},
                new String[] {"serve", "9000"},
                new String[] {"srve"},
                new String[] {"--"},
                new String[] {"--server.port=9000", "backup"})) {
            assertThat(DataSaasCommand.serveArguments(args))
                    .as(String.join(" ", args))
                    .isNull();
        }
    }
}
