package dev.cairn.kvnode.mvcc;

import java.time.Duration;

/**
 * How the store batches backend commits and paces compaction; etcd's defaults.
 *
 * @param batchInterval longest time an applied write waits for the backend commit that holds it
 *     (etcd's --backend-batch-interval)
 * @param batchLimit most applied writes in one backend commit (etcd's --backend-batch-limit)
 * @param compactionBatchLimit most changes deleted under one hold of the write lock, so compaction never stops
 *     writes for long (etcd's --experimental-compaction-batch-limit)
 */
public record StoreOptions(Duration batchInterval, int batchLimit, int compactionBatchLimit) {
    public static final StoreOptions DEFAULTS = new StoreOptions(Duration.ofMillis(100), 10_000, 1_000);

    public StoreOptions {
        if (batchInterval.isNegative() || batchInterval.isZero()) {
            throw new IllegalArgumentException("backend batch interval must be positive, got " + batchInterval);
        }
        if (batchLimit < 1 || compactionBatchLimit < 1) {
            throw new IllegalArgumentException("batch limits must be at least 1");
        }
    }
}
