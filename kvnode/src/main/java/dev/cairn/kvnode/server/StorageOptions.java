package dev.cairn.kvnode.server;

import dev.cairn.kvnode.mvcc.StoreOptions;
import dev.cairn.kvnode.wal.WalOptions;

/**
 * How a member keeps its state on disk.
 *
 * @param walSegmentBytes size a WAL segment is preallocated to (etcd: 64 MB)
 * @param snapshotCount applied entries between snapshots (etcd's --snapshot-count)
 * @param snapshotBytes applied entry payload between snapshots, whichever of the two comes first (Cairn's own: after
 *     a crash the backend is rebuilt from the newest snapshot and the entries after it, so this bounds that replay
 *     when entries are large, e.g. transactions of many puts)
 * @param snapshotCatchUpEntries entries kept in the Raft log after a snapshot so a slightly lagging follower catches
 *     up from the log rather than by a snapshot (etcd: 5000)
 * @param maxSnapshots snapshot files kept (etcd's --max-snapshots)
 * @param quotaBackendBytes backend size beyond which writes are refused with NOSPACE (etcd's --quota-backend-bytes)
 * @param store the backend's batching and compaction pacing
 */
public record StorageOptions(long walSegmentBytes, long snapshotCount, long snapshotBytes,
        long snapshotCatchUpEntries, int maxSnapshots, long quotaBackendBytes, StoreOptions store) {
    public static final long DEFAULT_SNAPSHOT_COUNT = 100_000;
    public static final long DEFAULT_QUOTA_BYTES = 2L * 1024 * 1024 * 1024;
    public static final long DEFAULT_SNAPSHOT_BYTES = 32L * 1024 * 1024;

    public static final StorageOptions DEFAULTS = new StorageOptions(WalOptions.DEFAULT_SEGMENT_SIZE,
            DEFAULT_SNAPSHOT_COUNT, DEFAULT_SNAPSHOT_BYTES, 5_000, 5, DEFAULT_QUOTA_BYTES, StoreOptions.DEFAULTS);

    public StorageOptions {
        if (snapshotCount < 1) {
            throw new IllegalArgumentException("--snapshot-count must be at least 1, got " + snapshotCount);
        }
        if (snapshotBytes < 1) {
            throw new IllegalArgumentException("--snapshot-bytes must be at least 1, got " + snapshotBytes);
        }
        if (maxSnapshots < 1) {
            throw new IllegalArgumentException("--max-snapshots must be at least 1, got " + maxSnapshots);
        }
        if (quotaBackendBytes < 0) {
            throw new IllegalArgumentException("--quota-backend-bytes must not be negative, got " + quotaBackendBytes);
        }
        if (snapshotCatchUpEntries < 0) {
            throw new IllegalArgumentException("snapshot catch-up entries must not be negative");
        }
    }

    public StorageOptions withSnapshotCount(long count) {
        return new StorageOptions(walSegmentBytes, count, snapshotBytes, Math.min(snapshotCatchUpEntries, count),
                maxSnapshots, quotaBackendBytes, store);
    }

    public StorageOptions withQuotaBackendBytes(long bytes) {
        return new StorageOptions(walSegmentBytes, snapshotCount, snapshotBytes, snapshotCatchUpEntries, maxSnapshots,
                bytes, store);
    }

    public StorageOptions withMaxSnapshots(int count) {
        return new StorageOptions(walSegmentBytes, snapshotCount, snapshotBytes, snapshotCatchUpEntries, count,
                quotaBackendBytes,
                store);
    }

    public StorageOptions withWalSegmentBytes(long bytes) {
        return new StorageOptions(bytes, snapshotCount, snapshotBytes, snapshotCatchUpEntries, maxSnapshots,
                quotaBackendBytes,
                store);
    }

    public StorageOptions withSnapshotBytes(long bytes) {
        return new StorageOptions(walSegmentBytes, snapshotCount, bytes, snapshotCatchUpEntries, maxSnapshots,
                quotaBackendBytes, store);
    }

    public StorageOptions withStore(StoreOptions value) {
        return new StorageOptions(walSegmentBytes, snapshotCount, snapshotBytes, snapshotCatchUpEntries, maxSnapshots,
                quotaBackendBytes, value);
    }

    /** etcd: a quota of 0 means the default; there is no way to switch the quota off. */
    public long effectiveQuotaBytes() {
        return quotaBackendBytes == 0 ? DEFAULT_QUOTA_BYTES : quotaBackendBytes;
    }
}
