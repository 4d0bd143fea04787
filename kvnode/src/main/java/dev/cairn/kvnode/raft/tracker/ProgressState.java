package dev.cairn.kvnode.raft.tracker;

/** How the leader is replicating to one follower. */
public enum ProgressState {
    /** Unsure where the follower's log ends: send one append at a time and wait for its answer. */
    PROBE,
    /** The follower is known to match: stream appends optimistically, bounded by the inflights window. */
    REPLICATE,
    /** The follower needs a snapshot; nothing else is sent until it reports back. */
    SNAPSHOT
}
