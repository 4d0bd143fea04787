package dev.cairn.kvnode.raft;

/** How a leader confirms it still leads before answering a linearizable read. */
public enum ReadOnlyOption {
    /** A heartbeat round acknowledged by a quorum (Raft §6.4): safe whatever the clocks do. */
    SAFE,
    /**
     * The leader's lease: with check-quorum, no other leader can exist within an election timeout of the last
     * quorum contact. Faster, but relies on bounded clock drift between members; requires check-quorum.
     */
    LEASE_BASED
}
