package com.datasaas.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import com.datasaas.support.ApiClient;
import com.datasaas.support.AppNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The embedded mode keeps login sessions in the SQLite metadata store: a restart logs no one out. */
class SessionsSurviveRestartTest {
    @Test
    void a_session_made_before_a_restart_is_valid_after_it() throws Exception {
        Path dataDir = Files.createTempDirectory(Path.of("target"), "restart-");
        Map<String, String> properties = Map.of("datasaas.data-dir", dataDir.toString());
        String cookie;
        try (AppNode before = new AppNode(properties)) {
            ApiClient client = before.client();
            client.signUp("restart-" + ProcessHandle.current().pid() + "@example.com");
            cookie = "DATASAAS_SESSION=" + client.sessionCookie();
        }
        try (AppNode after = new AppNode(properties)) {
            ApiClient client = after.client();
            ApiClient.Response me = client.raw(HttpRequest.newBuilder(URI.create(client.base() + "/api/me"))
                    .header("Cookie", cookie)
                    .GET());
            assertThat(me.status()).as(me.toString()).isEqualTo(200);
        }
    }
}
