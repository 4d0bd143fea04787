package dev.cairn.kvnode.mvcc;

/**
 * The Raft log entry whose effects the store holds last (etcd's consistent index and term). Written to the backend
 * when it closes cleanly, so that after a restart the member knows exactly which entries to apply again.
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
