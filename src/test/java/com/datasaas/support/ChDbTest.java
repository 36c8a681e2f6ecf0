package com.datasaas.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The chDB binding itself: a current engine answers, refusals carry ClickHouse's message, the JVM keeps SIGSEGV. */
class ChDbTest {
    private static final int SIGSEGV = 11;

    @Test
    void answers_with_a_current_clickhouse() {
        assertThat(ChDb.shared().query("SELECT version()")).startsWith("26.");
        assertThat(ChDb.shared().query("SELECT number, toString(number) FROM numbers(2)"))
                .isEqualTo("0\t0\n1\t1\n");
    }

    @Test
    void a_refused_query_throws_clickhouses_message() {
        assertThatThrownBy(() -> ChDb.shared().query("SELECT no_such_column FROM system.one"))
                .isInstanceOf(ChDb.QueryFailed.class)
                .hasMessageContaining("UNKNOWN_IDENTIFIER")
                .hasMessageContaining("no_such_column");
        // as on a server: chDB's implicit_select (a bare expression runs as a SELECT) is switched off
        assertThatThrownBy(() -> ChDb.shared().query("1 + 1")).isInstanceOf(ChDb.QueryFailed.class);
    }

    /**
     * chDB installs ClickHouse's crash handlers (and its opt-out resets them to SIG_DFL); either in place of
     * HotSpot's SIGSEGV handler hangs or kills the JVM at the next implicit null check. Without the guard this test
     * hung (seen while writing it); the timeout turns a regression into a failure instead of a stuck build.
     */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void the_jvm_keeps_its_segv_handler_across_chdb_calls() {
        ChDb db = ChDb.shared();
        long before = db.signals.handler(SIGSEGV);
        db.query("SELECT count() FROM numbers(1000000)");
        assertThat(db.signals.handler(SIGSEGV)).isEqualTo(before).isNotIn(0L, 1L);
        int caught = 0;
        for (int i = 0; i < 500_000; i++) {
            try {
                String s = i % 2 == 0 ? null : "x";
                s.length();
            } catch (NullPointerException e) {
                caught++;
            }
        }
        assertThat(caught).isEqualTo(250_000);
    }
}
