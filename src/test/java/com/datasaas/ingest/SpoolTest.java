package com.datasaas.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The spool's file format: what a crash can leave at the end of a segment is cut, never replayed. */
class SpoolTest {
    @TempDir
    Path dir;

    final List<Spool> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws IOException {
        for (Spool s : open) s.close();
    }

    Spool spool(long watermark, long maxBytes, long segmentBytes) throws IOException {
        Spool s = new Spool(dir, maxBytes, segmentBytes, watermark, () -> {});
        open.add(s);
        return s;
    }

    static byte[] payload(int i) {
        return ("event " + i).getBytes(StandardCharsets.UTF_8);
    }

    static List<String> readAll(Spool s) throws IOException {
        List<String> out = new ArrayList<>();
        List<Spool.Record> batch;
        while (!(batch = s.read(7)).isEmpty()) {
            for (Spool.Record r : batch) out.add(r.id() + ":" + new String(r.payload(), StandardCharsets.UTF_8));
        }
        return out;
    }

    /** Bytes of records 1 to n as the spool writes them. */
    static long recordBytes(int n) {
        long bytes = 0;
        for (int i = 1; i <= n; i++) bytes += Spool.HEADER_BYTES + payload(i).length;
        return bytes;
    }

    Path lastSegment() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.sorted().reduce((a, b) -> b).orElseThrow();
        }
    }

    @Test
    void a_torn_tail_is_cut_at_start_up_and_later_records_follow_the_last_good_one() throws Exception {
        Spool first = spool(0, 1 << 20, 1 << 20);
        for (int i = 1; i <= 10; i++)
            assertThat(first.append(payload(i), 5_000)).isEqualTo(i);
        first.close();
        Path segment = lastSegment();
        long good = recordBytes(10);
        // a crash mid-write: a header promising more bytes than follow, then half a payload, over the zeros written
        // ahead of the last record
        try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.WRITE)) {
            ch.write(
                    ByteBuffer.allocate(24)
                            .putInt(200)
                            .putInt(12345)
                            .putLong(11)
                            .put(new byte[8])
                            .flip(),
                    good);
        }

        Spool second = spool(0, 1 << 20, 1 << 20);
        assertThat(Files.size(segment)).as("cut back to the last good record").isEqualTo(good);
        assertThat(second.append(payload(11), 5_000)).isEqualTo(11);
        List<String> replayed = readAll(second);
        assertThat(replayed).hasSize(11).first().isEqualTo("1:event 1");
        assertThat(replayed).last().isEqualTo("11:event 11");
    }

    @Test
    void the_open_segment_is_written_ahead_in_zeros_which_end_its_records_at_start_up() throws Exception {
        Spool first = spool(0, 64 << 20, 16 << 20);
        for (int i = 1; i <= 10; i++) first.append(payload(i), 5_000);
        long records = recordBytes(10);
        Path segment = lastSegment();
        assertThat(Files.size(segment))
                .as("zeros written ahead by the first group, so the next nine changed no file size")
                .isEqualTo(recordBytes(1) + Spool.PREALLOCATE_BYTES);
        assertThat(first.diskBytes())
                .as("the bound counts records, not the room ahead")
                .isEqualTo(records);
        first.close(); // a crash leaves the same file: the zeros were written before the fsync that acknowledged

        byte[] tail = new byte[(int) (Files.size(segment) - records)];
        try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.READ)) {
            ByteBuffer read = ByteBuffer.wrap(tail);
            while (read.hasRemaining() && ch.read(read, records + read.position()) > 0) {}
        }
        assertThat(tail).containsOnly((byte) 0);

        Spool second = spool(0, 64 << 20, 16 << 20);
        assertThat(Files.size(segment)).as("the room is cut at start-up").isEqualTo(records);
        assertThat(second.append(payload(11), 5_000)).isEqualTo(11);
        List<String> replayed = readAll(second);
        assertThat(replayed).hasSize(11).first().isEqualTo("1:event 1");
        assertThat(replayed).last().isEqualTo("11:event 11");
    }

    @Test
    void a_record_whose_checksum_fails_is_not_replayed_and_nothing_after_it_in_its_segment() throws Exception {
        Spool first = spool(0, 1 << 20, 1 << 20);
        for (int i = 1; i <= 5; i++) first.append(payload(i), 5_000);
        first.close();
        Path segment = lastSegment();
        // flip the last byte of record 4's payload ("event 4"); record 5 follows it
        long record = Spool.HEADER_BYTES + payload(1).length;
        try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {'X'}), 4 * record - 1);
        }
        Spool second = spool(0, 1 << 20, 1 << 20);
        assertThat(readAll(second)).containsExactly("1:event 1", "2:event 2", "3:event 3");
        assertThat(second.append(payload(6), 5_000))
                .as("ids continue after the highest good one, never reusing a replayed id")
                .isEqualTo(4);
    }

    @Test
    void replay_starts_after_the_store_watermark_and_stored_segments_are_deleted() throws Exception {
        Spool first = spool(0, 1 << 20, 100); // a new segment every few records
        for (int i = 1; i <= 30; i++) first.append(payload(i), 5_000);
        first.close();
        long segments;
        try (Stream<Path> files = Files.list(dir)) {
            segments = files.count();
        }
        assertThat(segments).isGreaterThan(3);

        Spool second = spool(20, 1 << 20, 100);
        List<String> replayed = readAll(second);
        assertThat(replayed).hasSize(10).first().isEqualTo("21:event 21");
        second.release(30);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.count())
                    .as("every sealed segment the store holds is gone")
                    .isZero();
        }
        assertThat(second.append(payload(31), 5_000)).isEqualTo(31);
    }

    @Test
    void public_messages_name_the_reason_but_no_file() {
        assertThat(Spool.publicCause("Failed to commit: Could not write file \"/srv/data/events.duckdb.wal\": No space"
                        + " left on device"))
                .isEqualTo("No space left on device");
        assertThat(Spool.publicCause("No space left on device")).isEqualTo("No space left on device");
        assertThat(Spool.publicCause("/srv/data/spool/00000000000000000001.seg"))
                .doesNotContain("/srv");
    }

    @Test
    void over_its_byte_bound_the_spool_refuses_and_says_so() throws Exception {
        Spool s = spool(0, 100, 1 << 20);
        s.append(payload(1), 5_000);
        s.append(payload(2), 5_000);
        assertThatThrownBy(() -> {
                    for (int i = 3; i < 10; i++) s.append(payload(i), 5_000);
                })
                .isInstanceOf(Spool.Refused.class)
                .hasMessageContaining("spool is full");
        assertThat(s.full()).isTrue();
        assertThat(s.diskBytes()).isLessThanOrEqualTo(100);
    }
}
