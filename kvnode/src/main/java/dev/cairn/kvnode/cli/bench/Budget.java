package dev.cairn.kvnode.cli.bench;

import java.util.concurrent.atomic.AtomicLong;

/** When a run stops: after a number of requests shared by all clients ({@code --total}), or at a deadline. */
interface Budget {
    /** True when one more request may be sent; called once per request, by every client. */
    boolean take();

    static Budget total(long requests) {
        AtomicLong left = new AtomicLong(requests);
        return () -> left.getAndDecrement() > 0;
    }

    static Budget until(long deadlineNanos) {
        return () -> System.nanoTime() - deadlineNanos < 0;
    }
}
