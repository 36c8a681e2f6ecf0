package com.datasaas.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;
import org.junit.jupiter.api.Test;

/** The valve on real Tomcat request objects: only a trusted proxy can make a request count as TLS. */
class ForwardedProtoValveTest {
    static final ClientAddresses RULE =
            new ClientAddresses(new DataSaasProperties(null, List.of("10.0.0.0/8"), null, null, null));

    /** Whether the next valve saw a secure https request. */
    static boolean seenSecure(String peer, String forwardedProto) throws Exception {
        Request request = new Request(new Connector(), new org.apache.coyote.Request());
        request.getCoyoteRequest().scheme().setString("http");
        request.setRemoteAddr(peer);
        if (forwardedProto != null) {
            request.getCoyoteRequest()
                    .getMimeHeaders()
                    .addValue(ForwardedProtoValve.HEADER)
                    .setString(forwardedProto);
        }
        AtomicReference<Boolean> seen = new AtomicReference<>();
        ForwardedProtoValve valve = new ForwardedProtoValve(RULE);
        valve.setNext(new ValveBase() {
            @Override
            public void invoke(Request r, Response response) {
                seen.set(r.isSecure() && "https".equals(r.getScheme()));
            }
        });
        valve.invoke(request, null);
        assertThat(request.isSecure()).as("restored after the request").isFalse();
        return seen.get();
    }

    @Test
    void a_trusted_proxy_saying_https_makes_the_request_secure() throws Exception {
        assertThat(seenSecure("10.0.0.2", "https")).isTrue();
        assertThat(seenSecure("10.0.0.2", "HTTPS, http")).isTrue();
    }

    @Test
    void anyone_else_saying_https_changes_nothing() throws Exception {
        assertThat(seenSecure("203.0.113.7", "https")).isFalse();
        assertThat(seenSecure("10.0.0.2", "http")).isFalse();
        assertThat(seenSecure("10.0.0.2", null)).isFalse();
    }
}
