package com.datasaas.enrich;

/**
 * Where a visitor's IP address places them. Any part may be null when the database does not know it.
 *
 * @param countryCode ISO 3166-1 alpha-2, upper case, e.g. "GB"
 * @param region first-level subdivision name, e.g. "England"
 * @param city e.g. "London"
 */
public record Location(String countryCode, String region, String city, Double latitude, Double longitude) {

    /** Private, loopback and unlisted addresses, or no GeoIP database configured. */
    public static final Location UNKNOWN = new Location(null, null, null, null, null);
}
