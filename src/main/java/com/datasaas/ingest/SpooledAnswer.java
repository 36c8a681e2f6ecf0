package com.datasaas.ingest;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiConsumer;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;

/**
 * The answer to one event request whose request thread went back to the pool ({@code startAsync}) while the spool
 * writes the event: 202 when the spool confirms the fsync, the spool's 503 when it refuses, the timeout's 503 when the
 * disk does not confirm within {@link WriteBuffer#SPOOL_WAIT_MILLIS}, nothing when the client has gone.
 *
 * <p>Exactly one of these answers: the first to move {@code this} from {@link #WAITING} to {@link #ANSWERING} writes
 * the response and completes the {@link AsyncContext}; the others do nothing. The confirmation runs on the spool's
 * writer thread, which then only sets the status and calls {@code complete()} (Tomcat hands the rest of the response to
 * one of its own threads, which also runs what follows a 202, presence); the rare refusal writes a small JSON body
 * there too.
 */
final class SpooledAnswer extends AtomicInteger implements BiConsumer<Long, Throwable>, AsyncListener {
    private static final Logger log = LoggerFactory.getLogger(SpooledAnswer.class);
    static final int WAITING = 0;
    static final int ANSWERING = 1;
    static final int ANSWERED = 2;

    private final AsyncContext async;
    private final HttpServletResponse response;
    /** Records the spool wait from the hand-over ({@link WriteBuffer#confirmed}). */
    private final LongConsumer confirmed;

    private final long handedNanos;
    /** Run after a 202 on the container thread that finishes the response (presence), never on the spool's. */
    private final Runnable accepted;
    /** Set before complete() when the answer is 202; read in onComplete, after complete(). */
    private volatile boolean answered202;

    SpooledAnswer(
            AsyncContext async,
            HttpServletResponse response,
            LongConsumer confirmed,
            long handedNanos,
            Runnable accepted) {
        this.async = async;
        this.accepted = accepted;
        this.response = response;
        this.confirmed = confirmed;
        this.handedNanos = handedNanos;
    }

    /** The spool's outcome, on its writer thread (or on the request thread when it came before this was attached). */
    @Override
    public void accept(Long id, Throwable failure) {
        if (!compareAndSet(WAITING, ANSWERING)) return; // timed out, or the client is gone
        try {
            if (failure == null) {
                confirmed.accept(handedNanos);
                response.setStatus(HttpStatus.ACCEPTED.value());
                answered202 = true;
            } else {
                IngestEndpoint.refuse(response, WriteBuffer.refused(failure));
            }
        } catch (IOException | RuntimeException e) {
            log.debug("Could not answer an event request: {}", e.getMessage());
        } finally {
            complete();
        }
    }

    /** The disk did not confirm in time: 503, unless the confirmation is being answered right now. */
    @Override
    public void onTimeout(AsyncEvent event) throws IOException {
        if (compareAndSet(WAITING, ANSWERING)) {
            try {
                IngestEndpoint.refuse(response, WriteBuffer.unconfirmed());
            } finally {
                complete();
            }
        } else {
            awaitAnswered();
        }
    }

    /** The client went away (or the container failed the request): nothing to answer, only to complete. */
    @Override
    public void onError(AsyncEvent event) {
        if (compareAndSet(WAITING, ANSWERING)) {
            complete();
        } else {
            awaitAnswered();
        }
    }

    /**
     * A timeout or error notice that lost to the confirmation returns only after the confirmation's
     * {@code complete()}: Tomcat answers 500 itself to a timeout whose listeners return with the request not completed.
     * The winner is between its compareAndSet and complete(), microseconds; the bound is only a safety net.
     */
    private void awaitAnswered() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        while (get() != ANSWERED && System.nanoTime() - deadline < 0) {
            LockSupport.parkNanos(10_000);
        }
    }

    private void complete() {
        try {
            async.complete();
        } catch (IllegalStateException e) { // the container already ended the request (a client gone meanwhile)
            log.debug("Event request already ended: {}", e.getMessage());
        } finally {
            set(ANSWERED);
        }
    }

    /** After the answer, on the container thread that finished it. */
    @Override
    public void onComplete(AsyncEvent event) {
        if (answered202) accepted.run();
    }

    @Override
    public void onStartAsync(AsyncEvent event) {}
}
