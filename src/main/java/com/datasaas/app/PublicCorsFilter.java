package com.datasaas.app;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Set;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The tracker posts from our users' sites, so the public endpoints accept any origin (without credentials: the
 * tracker sends no cookies to us). Preflight answers 204 here, before security or MVC spend any work on it.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class PublicCorsFilter extends OncePerRequestFilter {
    private static final Set<String> PUBLIC_PATHS = Set.of("/api/events", "/api/realtime");

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !PUBLIC_PATHS.contains(request.getRequestURI());
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        response.setHeader("Access-Control-Allow-Origin", "*");
        if ("OPTIONS".equals(request.getMethod())) {
            response.setHeader("Access-Control-Allow-Methods", "POST, GET, OPTIONS");
            String requested = request.getHeader("Access-Control-Request-Headers");
            response.setHeader("Access-Control-Allow-Headers", requested == null ? "Content-Type" : requested);
            response.setHeader("Access-Control-Max-Age", "86400");
            response.setStatus(HttpServletResponse.SC_NO_CONTENT);
            return;
        }
        response.setHeader("Access-Control-Expose-Headers", "Retry-After");
        chain.doFilter(request, response);
    }
}
