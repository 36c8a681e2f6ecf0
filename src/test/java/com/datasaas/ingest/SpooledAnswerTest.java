package com.datasaas.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockAsyncContext;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/** The asynchronous answer to an event request: exactly one of 202, 503 or nothing, and never 202 before the fsync. */
class SpooledAnswerTest {
    final MockHttpServletRequest request = new MockHttpServletRequest("POST", IngestEndpoint.PATH);
    final MockHttpServletResponse response = new MockHttpServletResponse();
    final AtomicInteger completions = new AtomicInteger();
    final AtomicLong confirmed = new AtomicLong();
    final CompletableFuture<Long> durable = new CompletableFuture<>();
    final AsyncContext async = new MockAsyncContext(request, response) {
        @Override
        public void complete() {
            completions.incrementAndGet();
            super.complete();
        }
    };
    final AtomicInteger present = new AtomicInteger();
    final SpooledAnswer answer =
            new SpooledAnswer(async, response, handed -> confirmed.incrementAndGet(), 0, present::incrementAndGet);

    SpooledAnswerTest() {
        async.addListener(answer); // as IngestEndpoint does: timeouts, errors and the end of the answer
        durable.whenComplete(answer);
    }

    AsyncEvent event() {
        return new AsyncEvent(async, request, response);
    }

    @Test
    void nothing_is_answered_before_the_spool_confirms_then_202_once() throws IOException {
        assertThat(completions).hasValue(0);
        assertThat(present).hasValue(0);
        durable.complete(7L);
        assertThat(response.getStatus()).isEqualTo(202);
        assertThat(confirmed).hasValue(1);
        assertThat(present).hasValue(1); // the realtime count follows the 202
        answer.onTimeout(event()); // a timeout noticed after the answer changes nothing
        assertThat(response.getStatus()).isEqualTo(202);
        assertThat(completions).hasValue(1);
    }

    @Test
    void a_write_the_spool_could_not_make_durable_is_answered_503_with_retry_after_and_the_error_body()
            throws Exception {
        durable.completeExceptionally(new IOException("The event spool cannot write: No space left on device"));
        assertThat(response.getStatus()).isEqualTo(503);
        assertThat(response.getHeader("Retry-After")).isEqualTo("5");
        assertThat(response.getHeader("Access-Control-Expose-Headers")).isEqualTo("Retry-After");
        assertThat(response.getContentAsString())
                .contains("\"error\"")
                .contains("No space left on device")
                .contains("not recorded");
        assertThat(confirmed).hasValue(0);
        assertThat(present).hasValue(0);
        assertThat(completions).hasValue(1);
    }

    @Test
    void a_timeout_is_answered_503_once_and_a_late_confirmation_changes_nothing() throws Exception {
        answer.onTimeout(event());
        assertThat(response.getStatus()).isEqualTo(503);
        assertThat(response.getContentAsString()).contains("did not confirm the write within");
        durable.complete(8L);
        assertThat(response.getStatus()).isEqualTo(503);
        assertThat(confirmed).hasValue(0);
        assertThat(present).hasValue(0);
        assertThat(completions).hasValue(1);
    }

    @Test
    void a_client_gone_is_completed_without_an_answer() {
        answer.onError(event());
        durable.complete(9L);
        assertThat(response.getStatus()).isEqualTo(200); // untouched
        assertThat(confirmed).hasValue(0);
        assertThat(present).hasValue(0);
        assertThat(completions).hasValue(1);
    }

    @Test
    void a_timeout_racing_the_confirmation_gives_exactly_one_answer() throws Exception {
        for (int i = 0; i < 2_000; i++) {
            MockHttpServletResponse r = new MockHttpServletResponse();
            AtomicInteger done = new AtomicInteger();
            AtomicLong ok = new AtomicLong();
            AsyncContext ctx = new MockAsyncContext(request, r) {
                @Override
                public void complete() {
                    done.incrementAndGet();
                }
            };
            SpooledAnswer a = new SpooledAnswer(ctx, r, handed -> ok.incrementAndGet(), 0, () -> {});
            CompletableFuture<Long> f = new CompletableFuture<>();
            f.whenComplete(a);
            CyclicBarrier start = new CyclicBarrier(2);
            Thread confirming = new Thread(() -> {
                await(start);
                f.complete(1L);
            });
            confirming.start();
            await(start);
            a.onTimeout(new AsyncEvent(ctx, request, r));
            // onTimeout returns only once the answer is complete, whoever gave it (Tomcat answers 500 otherwise)
            assertThat(done).hasValue(1);
            confirming.join();
            assertThat(done).hasValue(1);
            assertThat(r.getStatus()).isIn(202, 503);
            assertThat(ok).hasValue(r.getStatus() == 202 ? 1 : 0);
        }
    }

    static void await(CyclicBarrier barrier) {
        try {
            barrier.await();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
