package dev.cairn.kvnode.mvcc;

/**
 * How the store paces compaction; etcd's default.
 *
 * @param compactionBatchLimit most changes deleted under one hold of the write lock, so compaction never stops
 *     writes for long (etcd's --experimental-compaction-batch-limit)
 */
public record StoreOptions(int compactionBatchLimit) {
    public static final StoreOptions DEFAULTS = new StoreOptions(1_000);

    public StoreOptions {
        if (compactionBatchLimit < 1) {
            throw new IllegalArgumentException("compaction batch limit must be at least 1, got "
                    + compactionBatchLimit);
        }
    }
}
