package com.datasaas.ingest;

import com.datasaas.app.ClientAddresses;
import java.time.Clock;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/** Puts {@link IngestEndpoint} first in the servlet filter chain, for its one path only. */
@Configuration(proxyBeanMethods = false)
class IngestEndpointRegistration {
    @Bean
    FilterRegistrationBean<IngestEndpoint> ingestEndpoint(
            IngestPipeline pipeline,
            EventRateLimiter rateLimiter,
            ClientAddresses clientAddresses,
            Clock clock,
            WriteBuffer buffer) {
        FilterRegistrationBean<IngestEndpoint> registration =
                new FilterRegistrationBean<>(new IngestEndpoint(pipeline, rateLimiter, clientAddresses, clock, buffer));
        registration.addUrlPatterns(IngestEndpoint.PATH);
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        registration.setName("ingestEndpoint");
        registration.setAsyncSupported(true); // it answers once the spool confirms, off the request thread
        return registration;
    }
}
