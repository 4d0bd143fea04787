package dev.cairn.kvnode.cli.bench;

import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * {@code clients} closed-loop clients: each sends its next request as soon as the previous one is answered, so
 * exactly {@code clients} requests are in flight, on async stubs, with no thread per client (the response callback
 * sends the next request). A failed request is counted by status code and the client goes on, as etcd's benchmark
 * does: a run against a cluster that loses its leader shows the errors instead of stopping at the first.
 * Latency is System.nanoTime() from just before a request is handed to gRPC until its response arrives.
 */
final class ClosedLoop {
    /** Sends one request for {@code client}; its answer (one onNext then onCompleted, or onError) goes to done. */
    interface Operation {
        void send(int client, StreamObserver<Object> done);
    }

    record Outcome(long ops, long elapsedNanos, long[] sortedLatencies, ErrorCounts errors) {
        double opsPerSecond() {
            return elapsedNanos == 0 ? 0 : ops * 1e9 / elapsedNanos;
        }
    }

    private ClosedLoop() {
    }

    /**
     * Runs until {@code budget} is spent and every request sent is answered. Fails when no request has been
     * answered for {@code stall} (a server that stopped answering must not hang the run).
     */
    static Outcome run(int clients, Budget budget, Operation operation, Duration stall) throws InterruptedException {
        CountDownLatch finished = new CountDownLatch(clients);
        LongAdder answered = new LongAdder();
        ErrorCounts errors = new ErrorCounts();
        List<Client> all = new ArrayList<>(clients);
        for (int i = 0; i < clients; i++) {
            all.add(new Client(i, budget, operation, errors, answered, finished));
        }
        long start = System.nanoTime();
        for (Client client : all) {
            client.drive();
        }
        long lastCount = -1;
        long lastProgress = System.nanoTime();
        while (!finished.await(1, TimeUnit.SECONDS)) {
            long now = answered.sum();
            if (now != lastCount) {
                lastCount = now;
                lastProgress = System.nanoTime();
            } else if (System.nanoTime() - lastProgress > stall.toNanos()) {
                throw new IllegalStateException(finished.getCount() + " of " + clients + " clients still wait for an "
                        + "answer after " + stall.toSeconds() + " s without any answer");
            }
        }
        // The last answer, not the budget's end, closes the run: requests sent just before the deadline count.
        long end = start;
        List<LatencyLog> logs = new ArrayList<>(clients);
        for (Client client : all) {
            end = Math.max(end, client.lastAnswer);
            logs.add(client.latencies);
        }
        long[] sorted = LatencyLog.mergeSorted(logs);
        return new Outcome(sorted.length, end - start, sorted, errors);
    }

    /**
     * One closed loop. At most one request is in flight, so its fields are written by one callback at a time;
     * {@code wip} both orders those writes and turns a synchronous failure (onError called inside send) into the
     * next loop iteration instead of a recursion that could overflow the stack.
     */
    private static final class Client implements StreamObserver<Object> {
        private final int id;
        private final Budget budget;
        private final Operation operation;
        private final ErrorCounts errors;
        private final LongAdder answered;
        private final CountDownLatch finished;
        private final AtomicInteger wip = new AtomicInteger();
        private final LatencyLog latencies = new LatencyLog();
        private long sentAt;
        private long lastAnswer;

        Client(int id, Budget budget, Operation operation, ErrorCounts errors, LongAdder answered,
                CountDownLatch finished) {
            this.id = id;
            this.budget = budget;
            this.operation = operation;
            this.errors = errors;
            this.answered = answered;
            this.finished = finished;
        }

        void drive() {
            if (wip.getAndIncrement() != 0) {
                return;
            }
            do {
                if (!budget.take()) {
                    finished.countDown();
                    return;
                }
                sentAt = System.nanoTime();
                operation.send(id, this);
            } while (wip.decrementAndGet() != 0);
        }

        @Override
        public void onNext(Object response) {
            long now = System.nanoTime();
            latencies.add(now - sentAt);
            lastAnswer = now;
        }

        @Override
        public void onError(Throwable failure) {
            lastAnswer = System.nanoTime();
            errors.add(failure);
            answered.increment();
            drive();
        }

        @Override
        public void onCompleted() {
            answered.increment();
            drive();
        }
    }
}
