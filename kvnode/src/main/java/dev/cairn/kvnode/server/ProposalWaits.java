package dev.cairn.kvnode.server;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Proposals waiting for their entry to be applied (etcd's wait registry): each gets an id carried in the entry, and
 * the apply step completes the waiter with that id. An entry applied with no waiter here (replayed after a restart,
 * or proposed by a waiter that gave up) completes nothing.
 *
 * <p>The apply side collects the completions of a batch ({@link #completeLater}) and hands them to another thread in
 * one task ({@link #flush}): completing a waiter runs whatever waits on it (building and sending the response), which
 * must not hold up applying, and one hand-off per batch costs one thread wake-up where one per proposal cost one per
 * put.
 */
final class ProposalWaits {
    private final Map<Long, CompletableFuture<Object>> waiting = new ConcurrentHashMap<>();
    private final AtomicLong lastId;
    /** Completions of the batch being applied; touched by the apply side only. */
    private List<Runnable> collected = new ArrayList<>();

    /** Ids start from a time-derived base so that ids from before a restart, still in the log, never match. */
    ProposalWaits(long firstId) {
        this.lastId = new AtomicLong(firstId);
    }

    long nextId() {
        return lastId.incrementAndGet();
    }

    CompletableFuture<Object> register(long id) {
        CompletableFuture<Object> future = new CompletableFuture<>();
        waiting.put(id, future);
        // A waiter that times out or is cancelled is forgotten; its entry may still be applied later.
        future.whenComplete((result, error) -> waiting.remove(id));
        return future;
    }

    /** Completes the waiter for {@code id} with {@code result}, or with it as the error when it is a RuntimeException. */
    void complete(long id, Object result) {
        CompletableFuture<Object> future = waiting.get(id);
        if (future != null) {
            settle(future, result);
        }
    }

    /** As {@link #complete}, at the next {@link #flush}; for the apply side only. */
    void completeLater(long id, Object result) {
        CompletableFuture<Object> future = waiting.get(id);
        if (future != null) {
            collected.add(() -> settle(future, result));
        }
    }

    /** Hands the completions collected since the last flush to {@code executor} as one task; apply side only. */
    void flush(Executor executor) {
        if (collected.isEmpty()) {
            return;
        }
        List<Runnable> batch = collected;
        collected = new ArrayList<>();
        executor.execute(() -> batch.forEach(Runnable::run));
    }

    private static void settle(CompletableFuture<Object> future, Object result) {
        if (result instanceof RuntimeException error) {
            future.completeExceptionally(error);
        } else {
            future.complete(result);
        }
    }

    void fail(long id, RuntimeException error) {
        CompletableFuture<Object> future = waiting.get(id);
        if (future != null) {
            future.completeExceptionally(error);
        }
    }

    void failAll(RuntimeException error) {
        for (CompletableFuture<Object> future : waiting.values()) {
            future.completeExceptionally(error);
        }
    }

    int size() {
        return waiting.size();
    }
}
