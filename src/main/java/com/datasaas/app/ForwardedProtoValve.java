package com.datasaas.app;

import jakarta.servlet.ServletException;
import java.io.IOException;
import java.util.Locale;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;

/**
 * Marks a request secure when a trusted proxy says it terminated TLS ({@code X-Forwarded-Proto: https}), the same
 * proxies {@link ClientAddresses} believes. Tomcat then sets {@code Secure} on the session cookie, Spring Security
 * on the CSRF cookie, and Spring Security adds {@code Strict-Transport-Security}; all three follow
 * {@code request.isSecure()}, which is also true for TLS on our own connector. Tomcat's RemoteIpValve does this too
 * but trusts a regex of addresses and also rewrites the client address, which {@link ClientAddresses} owns.
 */
final class ForwardedProtoValve extends ValveBase {
    static final String HEADER = "X-Forwarded-Proto";

    private final ClientAddresses addresses;

    ForwardedProtoValve(ClientAddresses addresses) {
        super(true);
        this.addresses = addresses;
    }

    @Override
    public void invoke(Request request, Response response) throws IOException, ServletException {
        if (request.isSecure() || !forwardedHttps(request)) {
            getNext().invoke(request, response);
            return;
        }
        String scheme = request.getCoyoteRequest().scheme().toString();
        request.setSecure(true);
        request.getCoyoteRequest().scheme().setString("https");
        try {
            getNext().invoke(request, response);
        } finally {
            request.setSecure(false);
            request.getCoyoteRequest().scheme().setString(scheme);
        }
    }

    private boolean forwardedHttps(Request request) {
        String proto = request.getHeader(HEADER);
        if (proto == null || !addresses.isTrustedProxy(request.getRemoteAddr())) return false;
        // The first value is what the outermost proxy saw from the browser.
        int comma = proto.indexOf(',');
        String first = (comma < 0 ? proto : proto.substring(0, comma)).strip();
        return "https".equals(first.toLowerCase(Locale.ROOT));
    }
}
