package com.datasaas.enrich;

import com.maxmind.db.Metadata;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The binary search tree of one MMDB file, walked here instead of in MaxMind's reader, to learn which data record an
 * address points at before anything is decoded: {@link MmdbGeoLocator} keeps the finished {@link Location} per record
 * and asks the reader only for records it does not hold. The reader's own walk copies its buffer and builds a cache key
 * per lookup, and its cache returns the decoded record, not the location; together that was most of the lookup's CPU
 * samples (docs/benchmarks.md, "Lighter ingest, round 4" and round 3).
 *
 * <p>Follows the MaxMind DB format spec 2.0, like the reader: {@code nodeCount} nodes of two records of 24, 28 or 32
 * bits; a record below {@code nodeCount} is the next node, equal to it means "no data", above it points into the data
 * section. IPv4 addresses in an IPv6 tree start at the node reached by 96 zero bits. Only the tree is mapped (read-only;
 * absolute reads, which never move the buffer's position, so request threads share it).
 */
final class MmdbSearchTree {
    /** What {@link #pointerOf} returns when the file has no data for the address. */
    static final long NOT_FOUND = -1;

    private final ByteBuffer tree;
    private final long nodeCount;
    private final int recordSize;
    private final long ipv4Start;

    private MmdbSearchTree(ByteBuffer tree, Metadata metadata) {
        this.tree = tree;
        this.nodeCount = metadata.nodeCount();
        this.recordSize = metadata.recordSize();
        long node = 0;
        if (metadata.ipVersion() == 6) {
            for (int i = 0; i < 96 && node < nodeCount; i++) {
                node = record(node, 0);
            }
        }
        this.ipv4Start = node;
    }

    /** The tree of {@code file}, or null when this walk cannot read it (the reader's own walk is used then). */
    static MmdbSearchTree open(Path file, Metadata metadata) throws IOException {
        int recordSize = metadata.recordSize();
        long treeBytes = metadata.nodeCount() * recordSize / 4;
        if ((recordSize != 24 && recordSize != 28 && recordSize != 32) || treeBytes > Integer.MAX_VALUE) {
            return null;
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            if (treeBytes > channel.size()) {
                return null;
            }
            // The mapping stays valid after the channel is closed.
            return new MmdbSearchTree(channel.map(FileChannel.MapMode.READ_ONLY, 0, treeBytes), metadata);
        }
    }

    /**
     * The record the address leads to: a data pointer (the same number for every address of the record, so it can key
     * a cache), or {@link #NOT_FOUND}.
     */
    long pointerOf(InetAddress address) {
        byte[] bytes = address.getAddress();
        int bits = bytes.length * 8;
        long node = address instanceof Inet4Address ? ipv4Start : 0;
        for (int i = 0; i < bits && node < nodeCount; i++) {
            int bit = (bytes[i >> 3] >> (7 - (i & 7))) & 1;
            node = record(node, bit);
        }
        if (node == nodeCount) {
            return NOT_FOUND;
        }
        if (node < nodeCount) {
            throw new IllegalStateException(
                    "The GeoIP database's search tree is corrupt: " + address.getHostAddress() + " ends inside it");
        }
        return node;
    }

    private long record(long node, int side) {
        return switch (recordSize) {
            case 24 -> uint24((int) (node * 6 + side * 3));
            case 28 -> {
                int base = (int) (node * 7);
                int middle = tree.get(base + 3) & 0xff;
                yield side == 0
                        ? ((long) (middle & 0xf0) << 20) | uint24(base)
                        : ((long) (middle & 0x0f) << 24) | uint24(base + 4);
            }
            default -> tree.getInt((int) (node * 8 + side * 4)) & 0xffffffffL;
        };
    }

    private long uint24(int at) {
        return ((tree.get(at) & 0xffL) << 16) | ((tree.get(at + 1) & 0xffL) << 8) | (tree.get(at + 2) & 0xffL);
    }
}
