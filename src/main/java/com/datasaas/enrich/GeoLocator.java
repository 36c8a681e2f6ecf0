package com.datasaas.enrich;

import java.net.InetAddress;

/** Places a visitor's IP address on the map. Never throws for an address it does not know: answers UNKNOWN. */
public interface GeoLocator {

    Location locate(InetAddress address);

    /** The null object used when no GeoIP database is configured: every address is {@link Location#UNKNOWN}. */
    static GeoLocator none() {
        return address -> Location.UNKNOWN;
    }
}
