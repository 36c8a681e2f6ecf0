package com.datasaas.app;

import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Lets Tomcat know a request came over TLS when a trusted proxy says so; see {@link ForwardedProtoValve}. */
@Configuration(proxyBeanMethods = false)
class ProxyConfiguration {

    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> forwardedProto(ClientAddresses addresses) {
        return factory -> factory.addEngineValves(new ForwardedProtoValve(addresses));
    }
}
