package dev.cairn.kvnode.api;

/**
 * Cuts and heals this member's links to its peers, for fault tests against real processes (a partition without root
 * or network namespaces). Served on {@code /debug/peer-faults} only when the member was started with
 * {@code --experimental-peer-fault-injection}.
 */
public interface PeerFaultControl {
    /** Drops every message between this member and {@code peer}, both ways. */
    void isolateFrom(long peer);

    /** Restores the links to {@code peer}. */
    void healWith(long peer);

    /** Restores every link. */
    void healAll();
}
