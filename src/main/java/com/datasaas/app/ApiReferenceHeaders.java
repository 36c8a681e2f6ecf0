package com.datasaas.app;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The API reference page (/api/docs, which redirects to /api/swagger-ui/index.html: Swagger UI served by springdoc
 * from its webjar inside the jar) gets the same
 * kind of Content-Security-Policy as the dashboard: scripts and data from this server only. Swagger UI loads its
 * configuration from a script file, not an inline script, so no 'unsafe-inline' is needed for scripts; its React
 * components set inline styles, hence 'unsafe-inline' for styles (as the dashboard's policy allows too).
 */
@Component
final class ApiReferenceHeaders extends OncePerRequestFilter {
    static final String POLICY = "default-src 'self'; script-src 'self'; img-src 'self' data:;"
            + " style-src 'self' 'unsafe-inline'; object-src 'none'; frame-ancestors 'none'; base-uri 'self'";

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getRequestURI();
        return !(path.startsWith("/api/docs") || path.startsWith("/api/swagger-ui/"));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        response.setHeader("Content-Security-Policy", POLICY);
        chain.doFilter(request, response);
    }
}
