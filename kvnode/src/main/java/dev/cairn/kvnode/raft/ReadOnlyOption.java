package dev.cairn.kvnode.raft;

/** How a leader confirms it still leads before answering a linearizable read. */
public enum ReadOnlyOption {
    /** A heartbeat round acknowledged by a quorum (Raft §6.4): safe whatever the clocks do. */
    SAFE,
    /**
     * The leader's lease: with check-quorum, followers refuse votes for an election timeout after they last heard
     * from the leader, so no rival can exist until then. The lease is measured from the newest leader tick a quorum
     * confirmed (less a margin), ends at once with a leadership transfer, and when it has run out the read falls
     * back to a heartbeat round. Faster, but relies on members' ticks running at the same rate (bounded clock
     * drift); requires check-quorum.
     */
    LEASE_BASED
}
