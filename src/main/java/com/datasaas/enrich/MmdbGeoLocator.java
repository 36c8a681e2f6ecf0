package com.datasaas.enrich;

import com.maxmind.db.DatabaseRecord;
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
import java.util.Arrays;
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
 *
 * <p>IPv4 answers are also kept per block of {@value #IPV4_BLOCK_BITS}-bit prefix ({@link Ipv4Blocks}): the reader
 * decodes a record's map on every lookup (its own cache holds only what records point to, and it does not expose the
 * record's offset to key a cache of our own on), but it does return the network the record covers. A network as large
 * as a block or larger answers every address of the blocks it covers, so the first lookup fills them and later ones
 * skip the tree walk, the decoding and the conversion. About half of all public IPv4 addresses lie in such networks in
 * DB-IP City Lite; smaller networks are looked up every time, as before.
 */
final class MmdbGeoLocator implements GeoLocator, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MmdbGeoLocator.class);

    /** Well-known public resolvers, present in every city database, used to see what a file's records look like. */
    private static final List<String> PROBE_ADDRESSES =
            List.of("8.8.8.8", "1.1.1.1", "81.2.69.142", "2001:4860:4860::8888", "2606:4700:4700::1111");

    /** Decoded values kept per file: a few MB at most, and far more places than most sites see in a day. */
    static final int RECORD_CACHE_SIZE = 16_384;

    /**
     * Bits of an IPv4 address that name its block in {@link Ipv4Blocks}: 2^20 slots, 4 MB of references per file,
     * allocated at the file's first network that large. Over the benchmark's random public addresses a /20 block
     * answers 44-51% of lookups once warm (a /16 block 31%, a /22 block 46-53% for four times the memory).
     */
    static final int IPV4_BLOCK_BITS = 20;

    /** DB-IP writes ZZ for ranges it cannot place. */
    private static final String UNKNOWN_COUNTRY = "ZZ";

    enum Layout {
        /** {@code @ip-location-db}: one flat map per range. */
        FLAT,
        /** MaxMind GeoIP2/GeoLite2 City or Country, and DB-IP's own MMDB downloads. */
        GEOIP2
    }

    private record Database(Path file, Reader reader, Layout layout, boolean ipv4Only, Ipv4Blocks ipv4Blocks) {}

    private final List<Database> databases;

    MmdbGeoLocator(List<Path> files) {
        if (files.isEmpty()) {
            throw new IllegalArgumentException("at least one MMDB file is needed; use GeoLocator.none() without one");
        }
        List<Database> opened = new ArrayList<>();
        try {
            for (Path file : files) {
                // The reader's cache of values records point to (key names, cities, regions), by their offset in the
                // file: ours, not MaxMind's CHMCache, whose probes were 7-8% of the request threads (see its comment).
                Reader reader = new Reader(file.toFile(), new DecodedValueCache(RECORD_CACHE_SIZE));
                Layout layout = detectLayout(reader);
                boolean ipv4Only = reader.getMetadata().ipVersion() == 4;
                opened.add(new Database(file, reader, layout, ipv4Only, new Ipv4Blocks()));
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

    Ipv4Blocks ipv4BlocksOf(int index) {
        return databases.get(index).ipv4Blocks();
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

    /** The file's answer for the address, {@code null} when the file has no record for it. */
    private static Location lookUp(Database database, InetAddress address) {
        if (address instanceof Inet4Address) {
            int bits = ipv4Bits(address.getAddress());
            Location known = database.ipv4Blocks().get(bits);
            if (known != null) {
                return known == Ipv4Blocks.NO_RECORD ? null : known;
            }
            DatabaseRecord<? extends Locatable> found = read(database, address);
            Location location = found.data() == null ? null : found.data().toLocation();
            database.ipv4Blocks().put(bits, found.network().prefixLength(), location);
            return location;
        }
        Locatable found = read(database, address).data();
        return found == null ? null : found.toLocation();
    }

    private static DatabaseRecord<? extends Locatable> read(Database database, InetAddress address) {
        try {
            return switch (database.layout()) {
                case FLAT -> database.reader().getRecord(address, FlatRecord.class);
                case GEOIP2 -> database.reader().getRecord(address, GeoIp2Record.class);
            };
        } catch (IOException e) {
            throw new UncheckedIOException("GeoIP lookup failed in " + database.file(), e);
        }
    }

    private static int ipv4Bits(byte[] bytes) {
        return (bytes[0] & 0xff) << 24 | (bytes[1] & 0xff) << 16 | (bytes[2] & 0xff) << 8 | (bytes[3] & 0xff);
    }

    /**
     * One file's IPv4 answers by block: slot {@code b} holds the location of the network that covers the whole of
     * block {@code b} (the addresses whose top {@value #IPV4_BLOCK_BITS} bits are {@code b}), {@link #NO_RECORD} when
     * such a network has no record in the file, and nothing while no lookup in the block has found a network that
     * large. A slot is only ever written with the one answer the file has for its block, so threads share the array
     * without locks: a racing reader sees either nothing (and asks the reader) or that answer, and {@link Location}'s
     * fields are final, so a location seen through a slot is seen whole.
     */
    static final class Ipv4Blocks {
        /** Marks a block the file has no record for; compared by identity, never returned to callers. */
        static final Location NO_RECORD = new Location(null, null, null, null, null);

        private volatile Location[] slots;

        Location get(int addressBits) {
            Location[] current = slots;
            return current == null ? null : current[addressBits >>> (32 - IPV4_BLOCK_BITS)];
        }

        /**
         * Remembers the answer for every block the network of {@code prefixLength} bits around the address covers;
         * a network smaller than a block answers only for itself, so nothing is kept.
         */
        void put(int addressBits, int prefixLength, Location location) {
            if (prefixLength > IPV4_BLOCK_BITS) {
                return;
            }
            Location[] current = slots;
            if (current == null) {
                // Allocated at the first network worth keeping, so a file that never answers IPv4 costs nothing.
                current = new Location[1 << IPV4_BLOCK_BITS];
                slots = current;
            }
            int blocks = 1 << (IPV4_BLOCK_BITS - prefixLength);
            int first = (addressBits >>> (32 - IPV4_BLOCK_BITS)) & -blocks;
            Arrays.fill(current, first, first + blocks, location == null ? NO_RECORD : location);
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

    /** A record of either layout, as the reader decodes it. */
    interface Locatable {
        Location toLocation();
    }

    // The records below are decoded directly by the MMDB reader; fields not named here are skipped, not decoded.

    public record FlatRecord(String countryCode, String state1, String city, Number latitude, Number longitude)
            implements Locatable {
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

        @Override
        public Location toLocation() {
            return new Location(
                    normalizedCountry(countryCode),
                    text(state1),
                    text(city),
                    coordinate(latitude),
                    coordinate(longitude));
        }
    }

    public record GeoIp2Record(
            IsoCode country, IsoCode registeredCountry, List<Names> subdivisions, Names city, Coordinates location)
            implements Locatable {
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

        @Override
        public Location toLocation() {
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
