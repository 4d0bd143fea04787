package dev.cairn.kvnode.server;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The apply half of the node loop on a thread of its own, as etcd splits raftNode from its apply loop: the loop hands
 * over each Ready's committed entries and goes on to persist the next Ready while these are applied, so an fsync and
 * the apply of the previous batch overlap. Work runs one piece at a time in the order it was submitted; everything
 * the apply side owns is touched only by that work, or by the loop while the pipeline is idle ({@link #awaitIdle}).
 *
 * <p>The backlog is bounded: when applying falls behind, {@link #submit} waits, and so the loop stops taking new
 * Readys rather than queueing without end.
 */
final class ApplyPipeline {
    private static final Runnable STOP = () -> {
    };

    private final BlockingQueue<Runnable> queue;
    private final Consumer<Throwable> onFailure;
    private final Thread thread;
    private volatile Throwable failure;
    private volatile boolean aborted;

    ApplyPipeline(int maxBacklog, Consumer<Throwable> onFailure) {
        this.queue = new ArrayBlockingQueue<>(maxBacklog);
        this.onFailure = onFailure;
        this.thread = new Thread(this::run, "raft-apply");
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Queues {@code work}; waits while the backlog is full. */
    void submit(Runnable work) throws InterruptedException {
        while (!queue.offer(work, 50, TimeUnit.MILLISECONDS)) {
            checkHealthy();
        }
        checkHealthy();
    }

    /** Returns once everything submitted before has run. */
    void awaitIdle() throws InterruptedException {
        CompletableFuture<Void> fence = new CompletableFuture<>();
        submit(() -> fence.complete(null));
        while (!fence.isDone()) {
            checkHealthy();
            try {
                fence.get(50, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
                // Checked again at the top of the loop.
            }
        }
    }

    /** Runs what is queued, then stops the thread. */
    void finish() throws InterruptedException {
        if (thread.isAlive()) {
            queue.put(STOP);
            thread.join();
        }
    }

    /** Stops after the piece of work running now; what is queued is dropped. */
    void abort() throws InterruptedException {
        aborted = true;
        queue.clear();
        queue.offer(STOP);
        if (Thread.currentThread() != thread) {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        }
    }

    /** Whether {@link #abort} was called (for tests that must order their steps after it). */
    boolean aborting() {
        return aborted;
    }

    private void checkHealthy() {
        if (failure != null) {
            throw new IllegalStateException("applying committed entries failed", failure);
        }
    }

    private void run() {
        try {
            while (!aborted) {
                Runnable work = queue.take();
                if (work == STOP) {
                    return;
                }
                work.run();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            failure = t;
            onFailure.accept(t);
        }
    }
}
