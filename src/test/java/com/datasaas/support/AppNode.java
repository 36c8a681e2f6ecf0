package com.datasaas.support;

import com.datasaas.app.DataSaasApplication;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * One app node in its own Spring context (its own port, data dir and embedded event store), for tests of several
 * nodes behind one load balancer. Test profile as {@link RunningApp}, plus the given properties (the shared metadata
 * database, for one).
 */
public final class AppNode implements AutoCloseable {
    private final ConfigurableApplicationContext context;
    private final int port;

    public AppNode(Map<String, String> properties) {
        // As command-line arguments: they win over application.properties (server.port=${PORT:8080}, for one).
        List<String> args = new ArrayList<>();
        args.add("--server.port=0");
        properties.forEach((name, value) -> args.add("--" + name + "=" + value));
        this.context = new SpringApplicationBuilder(DataSaasApplication.class)
                .profiles("test")
                .registerShutdownHook(false)
                .run(args.toArray(String[]::new));
        this.port = Integer.parseInt(context.getEnvironment().getRequiredProperty("local.server.port"));
    }

    public int port() {
        return port;
    }

    public ApiClient client() {
        return new ApiClient(port);
    }

    public ConfigurableApplicationContext context() {
        return context;
    }

    @Override
    public void close() {
        context.close();
    }
}
