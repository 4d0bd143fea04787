package dev.cairn.e2e.bench;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.MoreExecutors;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A closed-loop load: {@code workers} independent chains, each sending its next request as soon as the previous one
 * answered, until a deadline; so exactly {@code workers} requests are in flight, without a thread per worker.
 * Latency is System.nanoTime() from just before a request is sent to its response callback. A worker stops at its
 * first error (the error is kept and reported); it never retries.
 */
final class ClosedLoop {
    /** Sends request number {@code seq} of worker {@code worker}. */
    interface Request {
        ListenableFuture<?> send(int worker, long seq);
    }

    record Result(long ops, long elapsedNanos, long[] sortedLatencies, long errors, Throwable firstError) {
        double opsPerSecond() {
            return ops * 1e9 / elapsedNanos;
        }

        /** Nearest-rank percentile, in milliseconds. */
        double percentileMillis(double p) {
            if (sortedLatencies.length == 0) {
                return Double.NaN;
            }
            int rank = (int) Math.ceil(p / 100 * sortedLatencies.length);
            return sortedLatencies[Math.max(0, rank - 1)] / 1e6;
        }
    }

    private ClosedLoop() {
    }

    static Result run(int workers, long durationNanos, Request request) throws InterruptedException {
        CountDownLatch finished = new CountDownLatch(workers);
        long start = System.nanoTime();
        long deadline = start + durationNanos;
        Worker[] all = new Worker[workers];
        for (int i = 0; i < workers; i++) {
            all[i] = new Worker(i, deadline, request, finished);
        }
        for (Worker worker : all) {
            worker.sendNext();
        }
        if (!finished.await(durationNanos + TimeUnit.SECONDS.toNanos(120), TimeUnit.NANOSECONDS)) {
            throw new IllegalStateException("requests still unanswered 120 s after the deadline");
        }
        // The last response, not the deadline, ends the run: requests sent just before the deadline count.
        long end = Arrays.stream(all).mapToLong(w -> w.lastResponse).max().orElse(deadline);
        long[] latencies = new long[Arrays.stream(all).mapToInt(w -> w.count).sum()];
        int at = 0;
        long errors = 0;
        Throwable firstError = null;
        for (Worker worker : all) {
            System.arraycopy(worker.latencies, 0, latencies, at, worker.count);
            at += worker.count;
            if (worker.error != null) {
                errors++;
                firstError = firstError == null ? worker.error : firstError;
            }
        }
        Arrays.sort(latencies);
        return new Result(latencies.length, end - start, latencies, errors, firstError);
    }

    /**
     * One chain. Its fields are touched by one callback at a time (each callback is registered by the previous
     * one), and {@code finished.countDown()} publishes them to the thread that reads the result.
     */
    private static final class Worker {
        private final int id;
        private final long deadline;
        private final Request request;
        private final CountDownLatch finished;
        private long[] latencies = new long[1024];
        private int count;
        private long seq;
        private long lastResponse;
        private Throwable error;

        Worker(int id, long deadline, Request request, CountDownLatch finished) {
            this.id = id;
            this.deadline = deadline;
            this.request = request;
            this.finished = finished;
        }

        void sendNext() {
            long sent = System.nanoTime();
            if (sent >= deadline) {
                finished.countDown();
                return;
            }
            Futures.addCallback(request.send(id, seq++), new FutureCallback<Object>() {
                @Override
                public void onSuccess(Object response) {
                    long answered = System.nanoTime();
                    record(answered - sent);
                    lastResponse = answered;
                    sendNext();
                }

                @Override
                public void onFailure(Throwable t) {
                    error = t;
                    lastResponse = System.nanoTime();
                    finished.countDown();
                }
            }, MoreExecutors.directExecutor());
        }

        private void record(long nanos) {
            if (count == latencies.length) {
                latencies = Arrays.copyOf(latencies, count * 2);
            }
            latencies[count++] = nanos;
        }
    }
}
