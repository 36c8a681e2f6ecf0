package com.datasaas.support;

import com.datasaas.app.DataSaasApplication;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;

/**
 * Base for tests over real HTTP. Every subclass shares one application context (same properties), so the app
 * starts once per test run: open registration, loopback as a trusted proxy (tests choose their client address with
 * X-Forwarded-For, which also keeps per-address rate limits apart), a fresh data dir under target/.
 */
@SpringBootTest(classes = DataSaasApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
public abstract class RunningApp {
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    @Value("${local.server.port}")
    protected int port;

    protected ApiClient newClient() {
        return new ApiClient(port);
    }

    /** A logged-in client of a brand-new account. */
    protected ApiClient newAccount() {
        return newClient().signUp(unique("user") + "@example.com");
    }

    protected static String unique(String prefix) {
        return prefix + "-" + ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet();
    }

    /** A distinct documentation-range client address per call (RFC 5737/3849 ranges are never routed). */
    protected static String uniqueAddress() {
        int n = SEQUENCE.incrementAndGet();
        return "198.51." + ((n >> 8) & 0xff) + "." + (n & 0xff);
    }
}
