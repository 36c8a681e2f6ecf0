package com.datasaas.cli;

import com.datasaas.app.DataSaasProperties;
import java.nio.file.Path;
import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

/**
 * The server's configuration, for a command: the same sources (application.properties, DATASAAS_* environment
 * variables, -D system properties) bound to the same {@link DataSaasProperties}, in a context with nothing else in it,
 * so a command starts in a second and opens no store by itself.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(DataSaasProperties.class)
class Settings {

    static DataSaasProperties load() {
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(Settings.class)
                .web(WebApplicationType.NONE)
                .bannerMode(Banner.Mode.OFF)
                .logStartupInfo(false)
                .registerShutdownHook(false)
                .run()) {
            return context.getBean(DataSaasProperties.class);
        }
    }

    /** The data dir: {@code --data-dir} when given, else the configured one. */
    static Path dataDir(Path option) {
        return option != null ? option : load().dataDir();
    }
}
