package com.datasaas.enrich;

import com.maxmind.db.CHMCache;
import com.maxmind.db.MaxMindDbConstructor;
import com.maxmind.db.MaxMindDbParameter;
import com.maxmind.db.Reader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Locates addresses in one or more MMDB files through MaxMind's low-level reader.
 *
 * <p>Two record layouts exist in the wild and both are read: the flat one of the npm {@code @ip-location-db} packages
 * (our default, DB-IP City Lite: {@code country_code}, {@code state1}, {@code city}, {@code latitude}, ...) and
 * MaxMind's GeoIP2/GeoLite2 one ({@code country.iso_code}, {@code subdivisions[0].names.en}, {@code city.names.en},
 * {@code location.latitude}), which DB-IP's own downloads also use. The higher-level GeoIP2 API would reject the flat
 * files, hence the low-level reader. The layout is decided once per file by looking at real records, because the
 * metadata's database type is free text ("city ipv4" in the npm files). Files are tried in order until one knows the
 * address, since the npm package ships IPv4 and IPv6 in separate files. Files are memory-mapped, not loaded on the
 * heap.
 */
final class MmdbGeoLocator implements GeoLocator, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MmdbGeoLocator.class);

    /** Well-known public resolvers, present in every city database, used to see what a file's records look like. */
    private static final List<String> PROBE_ADDRESSES =
            List.of("8.8.8.8", "1.1.1.1", "81.2.69.142", "2001:4860:4860::8888", "2606:4700:4700::1111");

    /** Decoded records kept per file: a few MB at most, and far more places than most sites see in a day. */
    static final int RECORD_CACHE_SIZE = 16_384;

    /** DB-IP writes ZZ for ranges it cannot place. */
    private static final String UNKNOWN_COUNTRY = "ZZ";

    enum Layout {
        /** {@code @ip-location-db}: one flat map per range. */
        FLAT,
        /** MaxMind GeoIP2/GeoLite2 City or Country, and DB-IP's own MMDB downloads. */
        GEOIP2
    }

    private record Database(Path file, Reader reader, Layout layout, boolean ipv4Only) {}

    private final List<Database> databases;

    MmdbGeoLocator(List<Path> files) {
        if (files.isEmpty()) {
            throw new IllegalArgumentException("at least one MMDB file is needed; use GeoLocator.none() without one");
        }
        List<Database> opened = new ArrayList<>();
        try {
            for (Path file : files) {
                // The reader's own cache of decoded records (by their offset in the file): visitors of one city share
                // a record, and a hit skips decoding the map, which was most of a lookup's cost (JFR).
                Reader reader = new Reader(file.toFile(), new CHMCache(RECORD_CACHE_SIZE));
                Layout layout = detectLayout(reader);
                boolean ipv4Only = reader.getMetadata().ipVersion() == 4;
                opened.add(new Database(file, reader, layout, ipv4Only));
                log.info(
                        "GeoIP database {} ({}, {} layout)",
                        file,
                        reader.getMetadata().databaseType(),
                        layout.name().toLowerCase(Locale.ROOT));
            }
        } catch (IOException | RuntimeException e) {
            opened.forEach(MmdbGeoLocator::closeQuietly);
            throw new IllegalStateException(
                    "Could not open GeoIP database " + files + ": " + e.getMessage()
                            + ". Check that DATASAAS_GEOIP_DB names readable MMDB files.",
                    e);
        }
        this.databases = List.copyOf(opened);
    }

    Layout layoutOf(int index) {
        return databases.get(index).layout();
    }

    @Override
    public Location locate(InetAddress address) {
        if (address == null || !isPublic(address)) {
            return Location.UNKNOWN;
        }
        boolean ipv6 = address instanceof Inet6Address;
        for (Database database : databases) {
            // An IPv4-only file answers IPv6 lookups with nonsense instead of failing, so it is skipped.
            if (ipv6 && database.ipv4Only()) {
                continue;
            }
            Location location = lookUp(database, address);
            if (location != null) {
                return location;
            }
        }
        return Location.UNKNOWN;
    }

    private static Location lookUp(Database database, InetAddress address) {
        try {
            return switch (database.layout()) {
                case FLAT -> {
                    FlatRecord found = database.reader().get(address, FlatRecord.class);
                    yield found == null ? null : found.toLocation();
                }
                case GEOIP2 -> {
                    GeoIp2Record found = database.reader().get(address, GeoIp2Record.class);
                    yield found == null ? null : found.toLocation();
                }
            };
        } catch (IOException e) {
            throw new UncheckedIOException("GeoIP lookup failed in " + database.file(), e);
        }
    }

    static boolean isPublic(InetAddress address) {
        if (address.isLoopbackAddress()
                || address.isAnyLocalAddress()
                || address.isLinkLocalAddress()
                || address.isSiteLocalAddress()
                || address.isMulticastAddress()) {
            return false;
        }
        byte[] bytes = address.getAddress();
        if (address instanceof Inet4Address) {
            // 100.64.0.0/10: carrier-grade NAT, never a visitor's public address.
            return !((bytes[0] & 0xff) == 100 && (bytes[1] & 0xc0) == 64);
        }
        // fc00::/7: unique local addresses, the IPv6 private ranges (isSiteLocalAddress only knows old fec0::/10).
        return (bytes[0] & 0xfe) != 0xfc;
    }

    @SuppressWarnings("unchecked")
    static Layout detectLayout(Reader reader) throws IOException {
        boolean ipv4Only = reader.getMetadata().ipVersion() == 4;
        for (String probe : PROBE_ADDRESSES) {
            InetAddress address = InetAddress.getByName(probe);
            if (ipv4Only && address instanceof Inet6Address) {
                continue;
            }
            Map<String, Object> record = reader.get(address, Map.class);
            if (record == null) {
                continue;
            }
            if (record.containsKey("country_code")) {
                return Layout.FLAT;
            }
            if (record.containsKey("country")
                    || record.containsKey("city")
                    || record.containsKey("location")
                    || record.containsKey("registered_country")) {
                return Layout.GEOIP2;
            }
        }
        String type = String.valueOf(reader.getMetadata().databaseType()).toLowerCase(Locale.ROOT);
        return type.contains("geoip2") || type.contains("geolite2") || type.startsWith("dbip-")
                ? Layout.GEOIP2
                : Layout.FLAT;
    }

    @Override
    public void close() {
        databases.forEach(MmdbGeoLocator::closeQuietly);
    }

    private static void closeQuietly(Database database) {
        try {
            database.reader().close();
        } catch (IOException e) {
            log.debug("closing {} failed", database.file(), e);
        }
    }

    private static String text(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    private static String normalizedCountry(String code) {
        code = text(code);
        return code == null || code.equalsIgnoreCase(UNKNOWN_COUNTRY) ? null : code.toUpperCase(Locale.ROOT);
    }

    private static Double coordinate(Number value) {
        // Floats from the flat files are widened through their decimal text so 51.5143f stays 51.5143.
        return value == null ? null : Double.valueOf(value.toString());
    }

    private static String english(Names names) {
        return names == null || names.names() == null
                ? null
                : text(names.names().get("en"));
    }

    // The records below are decoded directly by the MMDB reader; fields not named here are skipped, not decoded.

    public record FlatRecord(String countryCode, String state1, String city, Number latitude, Number longitude) {
        @MaxMindDbConstructor
        public FlatRecord(
                @MaxMindDbParameter(name = "country_code") String countryCode,
                @MaxMindDbParameter(name = "state1") String state1,
                @MaxMindDbParameter(name = "city") String city,
                @MaxMindDbParameter(name = "latitude") Number latitude,
                @MaxMindDbParameter(name = "longitude") Number longitude) {
            this.countryCode = countryCode;
            this.state1 = state1;
            this.city = city;
            this.latitude = latitude;
            this.longitude = longitude;
        }

        Location toLocation() {
            return new Location(
                    normalizedCountry(countryCode),
                    text(state1),
                    text(city),
                    coordinate(latitude),
                    coordinate(longitude));
        }
    }

    public record GeoIp2Record(
            IsoCode country, IsoCode registeredCountry, List<Names> subdivisions, Names city, Coordinates location) {
        @MaxMindDbConstructor
        public GeoIp2Record(
                @MaxMindDbParameter(name = "country") IsoCode country,
                @MaxMindDbParameter(name = "registered_country") IsoCode registeredCountry,
                @MaxMindDbParameter(name = "subdivisions") List<Names> subdivisions,
                @MaxMindDbParameter(name = "city") Names city,
                @MaxMindDbParameter(name = "location") Coordinates location) {
            this.country = country;
            this.registeredCountry = registeredCountry;
            this.subdivisions = subdivisions;
            this.city = city;
            this.location = location;
        }

        Location toLocation() {
            String code = country != null ? normalizedCountry(country.isoCode()) : null;
            if (code == null && registeredCountry != null) {
                code = normalizedCountry(registeredCountry.isoCode());
            }
            String region = subdivisions == null || subdivisions.isEmpty() ? null : english(subdivisions.get(0));
            return new Location(
                    code,
                    region,
                    english(city),
                    location == null ? null : coordinate(location.latitude()),
                    location == null ? null : coordinate(location.longitude()));
        }
    }

    public record IsoCode(String isoCode) {
        @MaxMindDbConstructor
        public IsoCode(@MaxMindDbParameter(name = "iso_code") String isoCode) {
            this.isoCode = isoCode;
        }
    }

    public record Names(Map<String, String> names) {
        @MaxMindDbConstructor
        public Names(@MaxMindDbParameter(name = "names") Map<String, String> names) {
            this.names = names;
        }
    }

    public record Coordinates(Number latitude, Number longitude) {
        @MaxMindDbConstructor
        public Coordinates(
                @MaxMindDbParameter(name = "latitude") Number latitude,
                @MaxMindDbParameter(name = "longitude") Number longitude) {
            this.latitude = latitude;
            this.longitude = longitude;
        }
    }
}
