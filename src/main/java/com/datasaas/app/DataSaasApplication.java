package com.datasaas.app;

import com.datasaas.ingest.IngestSettings;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.scheduling.annotation.EnableScheduling;

@SpringBootApplication(scanBasePackages = "com.datasaas")
@EnableConfigurationProperties({DataSaasProperties.class, DatabaseSettings.class, IngestSettings.class})
@EnableScheduling
public class DataSaasApplication {
    public static void main(String[] args) {
        SpringApplication.run(DataSaasApplication.class, args);
    }
}
