package dev.cairn.kvnode.server;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** The request timeout every wait on Raft is bounded by; past it the client gets etcd's "request timed out". */
final class RequestDeadline {
    private final long timeoutNanos;

    RequestDeadline(java.time.Duration timeout) {
        this.timeoutNanos = timeout.toNanos();
    }

    /** {@code wait}, failing with etcd's timeout error (and with its own cause unwrapped) when it takes too long. */
    <T> CompletableFuture<T> bound(CompletableFuture<T> wait) {
        return wait.orTimeout(timeoutNanos, TimeUnit.NANOSECONDS).exceptionallyCompose(error -> {
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause()
                    : error;
            return CompletableFuture.failedFuture(cause instanceof TimeoutException
                    ? KvError.TIMEOUT.exception() : cause);
        });
    }
}
