package dev.cairn.kvnode.raft.pb;

/** Every message Raft steps or sends. The first group never crosses the network: the node gives them to itself. */
public enum MessageType {
    /** Local: start an election. */
    HUP,
    /** Local (leader): send heartbeats now. */
    BEAT,
    /** Local (leader): check that a quorum was active during the last election timeout. */
    CHECK_QUORUM,
    /** A proposal: from the application, or forwarded by a follower to its leader. */
    PROP,
    APP,
    APP_RESP,
    VOTE,
    VOTE_RESP,
    PRE_VOTE,
    PRE_VOTE_RESP,
    SNAP,
    HEARTBEAT,
    HEARTBEAT_RESP,
    /** Local report: a peer could not be reached. */
    UNREACHABLE,
    /** Local report: how sending a snapshot to a peer went. */
    SNAP_STATUS,
    /** Ask the leader to hand leadership to the sender ({@code from} names the transferee). */
    TRANSFER_LEADER,
    /** From the leader to its chosen successor: campaign now, without waiting for a timeout. */
    TIMEOUT_NOW,
    READ_INDEX,
    READ_INDEX_RESP,
    /** Local (follower): forget the current leader, so that pre-votes may be granted at once. */
    FORGET_LEADER;

    public boolean isLocal() {
        return this == HUP || this == BEAT || this == CHECK_QUORUM || this == UNREACHABLE || this == SNAP_STATUS;
    }

    public boolean isResponse() {
        return this == APP_RESP || this == VOTE_RESP || this == HEARTBEAT_RESP || this == UNREACHABLE
                || this == PRE_VOTE_RESP;
    }

    /** The response type to a vote request of this type. */
    public MessageType voteResponse() {
        return switch (this) {
            case VOTE -> VOTE_RESP;
            case PRE_VOTE -> PRE_VOTE_RESP;
            default -> throw new IllegalArgumentException("not a vote request: " + this);
        };
    }
}
