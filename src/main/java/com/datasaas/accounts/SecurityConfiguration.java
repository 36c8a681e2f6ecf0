package com.datasaas.accounts;

import com.datasaas.app.ApiErrors;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.security.web.csrf.CsrfException;

/**
 * One filter chain: public ingest and realtime, public SPA assets, everything else under /api authenticated by a
 * session cookie (with CSRF: the token lives in the session, is handed to the dashboard in cookie XSRF-TOKEN and
 * echoed as header X-XSRF-TOKEN) or a bearer API key (no CSRF: browsers never attach it on their own).
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {
    /** On every answer of the main chain, so every HTML page (the dashboard, /index.html, error pages) has it. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; img-src 'self' data:; style-src 'self'"
            + " 'unsafe-inline'; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

    @Bean
    PasswordEncoder passwordEncoder() {
        return new BCryptPasswordEncoder();
    }

    @Bean
    SecurityContextRepository securityContextRepository() {
        return new HttpSessionSecurityContextRepository();
    }

    /**
     * The public endpoints (ingest, realtime count, tracker script, health) carry no cookies worth protecting and are
     * the hot path: they get a chain with nothing in it, so no CSRF token, session or security context is ever made
     * for them.
     */
    @Bean
    @Order(1)
    SecurityFilterChain publicEndpoints(HttpSecurity http) throws Exception {
        http.securityMatcher(
                        "/api/events",
                        "/api/realtime",
                        "/js/script.js",
                        "/js/script.cookieless.js",
                        "/actuator/health",
                        "/actuator/prometheus")
                .authorizeHttpRequests(auth -> auth.anyRequest().permitAll())
                .csrf(AbstractHttpConfigurer::disable)
                .requestCache(AbstractHttpConfigurer::disable)
                .securityContext(AbstractHttpConfigurer::disable)
                .sessionManagement(AbstractHttpConfigurer::disable)
                .anonymous(AbstractHttpConfigurer::disable)
                .logout(AbstractHttpConfigurer::disable)
                .headers(AbstractHttpConfigurer::disable);
        return http.build();
    }

    @Bean
    @Order(2)
    SecurityFilterChain securityFilterChain(
            HttpSecurity http,
            ApiKeyRepository keys,
            AccountRepository accounts,
            Clock clock,
            SecurityContextRepository contexts)
            throws Exception {
        http.csrf(csrf -> csrf.spa()
                        .csrfTokenRepository(new SessionBoundCsrfTokens())
                        .ignoringRequestMatchers("/api/webhooks/**")
                        .ignoringRequestMatchers(ApiKeyAuthenticationFilter::hasBearer))
                .securityContext(c -> c.securityContextRepository(contexts))
                // HSTS is Spring Security's default for requests that came over TLS (see ForwardedProtoValve).
                .headers(headers -> headers.contentSecurityPolicy(csp -> csp.policyDirectives(CONTENT_SECURITY_POLICY)))
                .httpBasic(AbstractHttpConfigurer::disable)
                .formLogin(AbstractHttpConfigurer::disable)
                .requestCache(AbstractHttpConfigurer::disable)
                .logout(logout -> logout.logoutUrl("/api/auth/logout")
                        .logoutSuccessHandler((request, response, authentication) ->
                                response.setStatus(HttpStatus.NO_CONTENT.value())))
                .addFilterBefore(new ApiKeyAuthenticationFilter(keys, clock), AnonymousAuthenticationFilter.class)
                .addFilterBefore(new SessionCredentialsCheck(accounts), AnonymousAuthenticationFilter.class)
                .authorizeHttpRequests(auth -> auth.requestMatchers(
                                "/api/auth/signup", "/api/auth/login", "/api/auth/logout", "/api/webhooks/**")
                        .permitAll()
                        // The API's OpenAPI document and its reference page are public, like the docs.
                        .requestMatchers("/api/openapi.json", "/api/openapi.json/**", "/api/docs", "/api/swagger-ui/**")
                        .permitAll()
                        .requestMatchers("/api/**", "/actuator/**")
                        .authenticated()
                        .anyRequest()
                        .permitAll())
                .exceptionHandling(errors -> errors.authenticationEntryPoint((request, response, e) -> ApiErrors.write(
                                response, HttpStatus.UNAUTHORIZED, "Log in or send 'Authorization: Bearer <api key>'."))
                        .accessDeniedHandler((request, response, e) -> ApiErrors.write(
                                response,
                                HttpStatus.FORBIDDEN,
                                e instanceof CsrfException
                                        ? "Missing or invalid CSRF token: echo the XSRF-TOKEN cookie in the"
                                                + " X-XSRF-TOKEN header."
                                        : "You are not allowed to do this.")));
        return http.build();
    }
}
