package dev.cairn.kvnode.server;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Proposals waiting for their entry to be applied (etcd's wait registry): each gets an id carried in the entry, and
 * the apply step completes the waiter with that id. An entry applied with no waiter here (replayed after a restart,
 * or proposed by a waiter that gave up) completes nothing.
 */
final class ProposalWaits {
    private final Map<Long, CompletableFuture<Object>> waiting = new ConcurrentHashMap<>();
    private final AtomicLong lastId;

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
        if (future == null) {
            return;
        }
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
