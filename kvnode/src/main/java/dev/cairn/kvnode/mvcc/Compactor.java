package dev.cairn.kvnode.mvcc;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes compacted changes from the backend in the background, one batch per hold of the store's write lock, so a
 * compaction of millions of changes never stops writes for longer than one batch takes. Compactions run one after
 * another, in the order they were scheduled.
 */
final class Compactor {
    private static final Logger log = LoggerFactory.getLogger("mvcc");

    private final MvccStore store;
    private final int batchLimit;
    private volatile boolean stopping;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> MvccStore.daemon(r, "mvcc-compactor"));

    Compactor(MvccStore store, int batchLimit) {
        this.store = store;
        this.batchLimit = batchLimit;
    }

    /** Deletes every change at or below {@code revision} that is not in {@code keep}; completes when done. */
    CompletableFuture<Void> schedule(long revision, Set<Revision> keep) {
        return CompletableFuture.runAsync(() -> run(revision, keep), worker);
    }

    /**
     * Stops after the batch in progress. Never by interrupting: an interrupt during file I/O closes MapDB's file
     * channel under every other user of the store.
     */
    void stop() {
        stopping = true;
        worker.shutdown();
        try {
            if (!worker.awaitTermination(10, TimeUnit.SECONDS)) {
                log.warn("compaction did not stop within 10s; it resumes on the next start");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run(long revision, Set<Revision> keep) {
        long started = System.nanoTime();
        long deleted = 0;
        store.compactionLock().lock();
        try {
            // Changes at or below the revision are never written again, so they can be listed without the write lock.
            List<Revision> batch = new ArrayList<>(batchLimit);
            List<List<Revision>> batches = new ArrayList<>();
            store.backend().forEachUpTo(revision, (rev, record) -> {
                if (!keep.contains(rev)) {
                    batch.add(rev);
                    if (batch.size() == batchLimit) {
                        batches.add(new ArrayList<>(batch));
                        batch.clear();
                    }
                }
            });
            if (!batch.isEmpty()) {
                batches.add(batch);
            }
            for (List<Revision> revisions : batches) {
                if (stopping) {
                    log.info("compaction stopped revision={} deleted={}; it resumes on the next start", revision,
                            deleted);
                    return;
                }
                store.deleteCompacted(revisions);
                deleted += revisions.size();
            }
            store.finishCompaction(revision);
        } finally {
            store.compactionLock().unlock();
        }
        log.info("finished compaction revision={} deleted={} took={}ms", revision, deleted,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }
}
