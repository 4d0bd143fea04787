package dev.cairn.kvnode.wal;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Prepares the next segment file in the background, as etcd's file pipeline does: a file of the segment size, zero
 * filled and fsynced under a temporary name, so that starting a segment on the node loop only writes its header over
 * the zeros and renames it. Filling and syncing 64 MB on the loop stalled every member for as long as the disk took,
 * all three at about the same moment (they roll over at about the same index).
 *
 * <p>Preparing starts with the log's first write ({@link #start}), so a log opened only to be read leaves nothing
 * behind. A prepared file that was never used is a temporary file: {@link Wal#open} deletes it, like any other.
 */
final class SegmentPreallocator implements Closeable {
    private final Path dir;
    private final long size;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "wal-preallocate");
        thread.setDaemon(true);
        return thread;
    });
    private long prepared;
    private Future<Path> next;

    SegmentPreallocator(Path dir, long size) {
        this.dir = dir;
        this.size = size;
    }

    /** Starts preparing the first file, unless started already. */
    void start() {
        if (next == null) {
            prepareNext();
        }
    }

    /** The size of the files prepared. */
    long size() {
        return size;
    }

    /**
     * The prepared file (waiting for it if it is still being filled), now the caller's to rename; the one after it is
     * started. Throws when preparing it failed: the caller then makes its segment itself.
     */
    Path take() throws IOException {
        start();
        Future<Path> taken = next;
        prepareNext();
        try {
            return taken.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException("preparing a WAL segment failed",
                    e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the next WAL segment", e);
        }
    }

    private void prepareNext() {
        Path file = dir.resolve("next-" + (prepared++) + SegmentName.TEMP_SUFFIX);
        next = worker.submit(() -> SegmentWriter.prepare(file, size));
    }

    /** Stops preparing and deletes the prepared file that was not taken. */
    @Override
    public void close() throws IOException {
        worker.shutdown();
        try {
            if (!worker.awaitTermination(30, TimeUnit.SECONDS)) {
                worker.shutdownNow();
            }
        } catch (InterruptedException e) {
            worker.shutdownNow();
            Thread.currentThread().interrupt();
        }
        if (next != null && next.isDone() && !next.isCancelled()) {
            try {
                Files.deleteIfExists(next.get());
            } catch (ExecutionException | InterruptedException e) {
                // Nothing was left behind: a failed preparation deletes its own file.
            }
        }
    }
}
