package com.datasaas.enrich;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a one-network IPv4 MMDB file, enough to test the GeoIP2 record layout without shipping MaxMind's licensed
 * test databases. Follows the MaxMind DB format spec 2.0: a binary search tree of 24-bit records, 16 zero bytes, the
 * data section, then the metadata after the "\xAB\xCD\xEFMaxMind.com" marker.
 */
final class TinyMmdbWriter {

    private TinyMmdbWriter() {}

    /** Writes {@code record} for the network {@code firstOctet}.0.0.0/8. */
    static void write(Path file, String databaseType, int firstOctet, Map<String, Object> record) throws IOException {
        write(file, databaseType, firstOctet, record, 24);
    }

    /** The same with records of {@code recordSize} bits: 24 or 32 (the npm files use 28). */
    static void write(Path file, String databaseType, int firstOctet, Map<String, Object> record, int recordSize)
            throws IOException {
        if (recordSize != 24 && recordSize != 32) throw new IllegalArgumentException("24 or 32 bits");
        int nodeCount = 8; // one node per bit of the /8 prefix
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int node = 0; node < nodeCount; node++) {
            int bit = (firstOctet >> (7 - node)) & 1;
            // The last node points at the data record: node_count + 16 + offset 0 in the data section.
            int next = node == nodeCount - 1 ? nodeCount + 16 : node + 1;
            int left = bit == 0 ? next : nodeCount; // node_count means "no data"
            int right = bit == 1 ? next : nodeCount;
            writeRecord(out, left, recordSize);
            writeRecord(out, right, recordSize);
        }
        out.write(new byte[16]);
        encode(out, record);
        out.write(new byte[] {(byte) 0xAB, (byte) 0xCD, (byte) 0xEF});
        out.write("MaxMind.com".getBytes(StandardCharsets.US_ASCII));
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("node_count", (long) nodeCount);
        metadata.put("record_size", recordSize);
        metadata.put("ip_version", 4);
        metadata.put("database_type", databaseType);
        metadata.put("languages", List.of("en"));
        metadata.put("binary_format_major_version", 2);
        metadata.put("binary_format_minor_version", 0);
        metadata.put("build_epoch", 1_700_000_000L);
        metadata.put("description", Map.of("en", "test"));
        encode(out, metadata);
        Files.write(file, out.toByteArray());
    }

    private static void writeRecord(ByteArrayOutputStream out, int value, int recordSize) {
        if (recordSize == 32) out.write((value >> 24) & 0xff);
        out.write((value >> 16) & 0xff);
        out.write((value >> 8) & 0xff);
        out.write(value & 0xff);
    }

    private static void encode(ByteArrayOutputStream out, Object value) throws IOException {
        if (value instanceof String text) {
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            control(out, 2, bytes.length);
            out.write(bytes);
        } else if (value instanceof Double number) {
            control(out, 3, 8);
            out.write(ByteBuffer.allocate(8).putDouble(number).array());
        } else if (value instanceof Integer number) { // uint16
            control(out, 5, 2);
            out.write(ByteBuffer.allocate(2).putShort(number.shortValue()).array());
        } else if (value instanceof Long number) { // uint64, extended type 9
            control(out, 9, 8);
            out.write(ByteBuffer.allocate(8).putLong(number).array());
        } else if (value instanceof Map<?, ?> map) {
            control(out, 7, map.size());
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                encode(out, entry.getKey());
                encode(out, entry.getValue());
            }
        } else if (value instanceof List<?> list) { // array, extended type 11
            control(out, 11, list.size());
            for (Object item : list) {
                encode(out, item);
            }
        } else {
            throw new IllegalArgumentException("cannot encode " + value);
        }
    }

    private static void control(ByteArrayOutputStream out, int type, int size) {
        if (size >= 29) {
            throw new IllegalArgumentException("sizes over 28 are not needed here");
        }
        if (type <= 7) {
            out.write((type << 5) | size);
        } else {
            out.write(size);
            out.write(type - 7);
        }
    }
}
