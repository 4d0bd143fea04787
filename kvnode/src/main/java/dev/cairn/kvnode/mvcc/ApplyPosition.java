package dev.cairn.kvnode.mvcc;

/**
 * The Raft log entry whose effects the store holds last (etcd's consistent index and term). Stored in the same
 * backend commit as those effects, so that after a crash the store knows exactly which entries to apply again.
 */
public record ApplyPosition(long index, long term) {
    public static final ApplyPosition NONE = new ApplyPosition(0, 0);

    public ApplyPosition {
        if (index < 0 || term < 0) {
            throw new IllegalArgumentException("negative apply position " + index + "/" + term);
        }
    }

    public boolean isAfter(ApplyPosition other) {
        return index > other.index;
    }

    @Override
    public String toString() {
        return index + "@" + term;
    }
}
