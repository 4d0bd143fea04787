package dev.cairn.kvnode.mvcc;

/**
 * A checksum of the store's retained history up to {@code revision} (etcd's HashKV): members that applied the same
 * log and compacted at the same revision report the same hash.
 */
public record HashResult(int hash, long revision, long compactRevision) {
}
