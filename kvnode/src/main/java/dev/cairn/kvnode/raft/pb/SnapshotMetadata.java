package dev.cairn.kvnode.raft.pb;

/** Which log prefix a snapshot replaces: up to {@code index}, whose entry had {@code term}, under {@code confState}. */
public record SnapshotMetadata(ConfState confState, long index, long term) {
    public static final SnapshotMetadata EMPTY = new SnapshotMetadata(ConfState.EMPTY, 0, 0);
}
