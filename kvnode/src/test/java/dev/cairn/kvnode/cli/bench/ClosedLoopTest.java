package dev.cairn.kvnode.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The closed loop's own bookkeeping, driven by fake operations that answer in the caller's thread or later. */
class ClosedLoopTest {
    private static final Duration STALL = Duration.ofSeconds(30);

    @Test
    void sendsExactlyTheTotalAndRecordsOneLatencyPerAnswer() throws Exception {
        AtomicInteger sent = new AtomicInteger();
        // Answers inside send: 100,000 of them in a row must not recurse (the loop trampolines).
        ClosedLoop.Outcome outcome = ClosedLoop.run(4, Budget.total(100_000), (client, done) -> {
            sent.incrementAndGet();
            done.onNext("ok");
            done.onCompleted();
        }, STALL);
        assertThat(sent.get()).isEqualTo(100_000);
        assertThat(outcome.ops()).isEqualTo(100_000);
        assertThat(outcome.sortedLatencies()).hasSize(100_000).isSorted();
        assertThat(outcome.errors().total()).isZero();
    }

    @Test
    void eachClientHasOneRequestInFlight() throws Exception {
        ScheduledExecutorService later = Executors.newScheduledThreadPool(4);
        try {
            ConcurrentHashMap<Integer, AtomicInteger> inFlight = new ConcurrentHashMap<>();
            AtomicInteger overlaps = new AtomicInteger();
            AtomicInteger clientsSeen = new AtomicInteger();
            ClosedLoop.Outcome outcome = ClosedLoop.run(8, Budget.total(400), (client, done) -> {
                AtomicInteger mine = inFlight.computeIfAbsent(client, c -> {
                    clientsSeen.incrementAndGet();
                    return new AtomicInteger();
                });
                if (mine.incrementAndGet() > 1) {
                    overlaps.incrementAndGet();
                }
                later.schedule(() -> {
                    mine.decrementAndGet();
                    done.onNext("ok");
                    done.onCompleted();
                }, 100, TimeUnit.MICROSECONDS);
            }, STALL);
            assertThat(outcome.ops()).isEqualTo(400);
            assertThat(overlaps.get()).isZero();
            assertThat(clientsSeen.get()).isEqualTo(8);
            assertThat(outcome.sortedLatencies()[0]).isGreaterThanOrEqualTo(TimeUnit.MICROSECONDS.toNanos(100));
        } finally {
            later.shutdownNow();
        }
    }

    @Test
    void failuresAreCountedByStatusCodeAndTheClientsGoOn() throws Exception {
        AtomicInteger n = new AtomicInteger();
        ClosedLoop.Outcome outcome = ClosedLoop.run(2, Budget.total(100), (client, done) -> {
            int i = n.incrementAndGet();
            if (i % 10 == 0) {
                done.onError(Status.UNAVAILABLE.withDescription("etcdserver: no leader").asRuntimeException());
            } else if (i % 25 == 1) {
                done.onError(Status.DEADLINE_EXCEEDED.asRuntimeException());
            } else {
                done.onNext("ok");
                done.onCompleted();
            }
        }, STALL);
        assertThat(outcome.errors().byCode()).containsExactly(
                java.util.Map.entry("DEADLINE_EXCEEDED", 4L), java.util.Map.entry("UNAVAILABLE", 10L));
        assertThat(outcome.errors().firstMessages()).containsEntry("UNAVAILABLE", "etcdserver: no leader");
        assertThat(outcome.ops()).isEqualTo(86);
    }

    @Test
    void aDurationBudgetEndsTheRunAtItsDeadline() throws Exception {
        long start = System.nanoTime();
        ClosedLoop.Outcome outcome = ClosedLoop.run(2, Budget.until(start + TimeUnit.MILLISECONDS.toNanos(200)),
                (client, done) -> {
                    done.onNext("ok");
                    done.onCompleted();
                }, STALL);
        assertThat(outcome.ops()).isPositive();
        assertThat(outcome.elapsedNanos()).isBetween(TimeUnit.MILLISECONDS.toNanos(150),
                System.nanoTime() - start);
    }
}
