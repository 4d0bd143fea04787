package dev.cairn.kvnode.transport;

import dev.cairn.kvnode.raft.pb.Message;

/**
 * What the transport hands to the member that owns it. Calls come from the transport's and gRPC's threads, never from
 * the thread that calls {@link PeerTransport#send}, so the node loop may queue them without deadlocking itself.
 */
public interface Inbound {

    /** A message from a peer, in the order that peer sent it. Blocking here slows that peer's stream down. */
    void receive(Message message);

    /** A message to {@code peer} was lost (its stream broke, or its queue was full): Raft should probe it again. */
    void unreachable(long peer);

    /** Sending a snapshot to {@code peer} finished; {@code failed} when it did not arrive and commit there. */
    void snapshotStatus(long peer, boolean failed);

    /**
     * A peer refused this member because it was removed from the cluster. etcd stops such a member; it must not go
     * on campaigning with an old configuration.
     */
    void removedFromCluster();
}
