package dev.cairn.kvnode.server;

import dev.cairn.kvnode.raft.pb.Message;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * How a member reaches its peers: the gRPC transport in a real server, an in-process network in tests. The member
 * tells it where the peers are whenever the applied membership changes, and it delivers what peers send to the node.
 */
public interface PeerNetwork {
    /** Called once, before the node loop starts: from now on messages for this member go to {@code node}. */
    void attach(RaftNode node);

    /** Sends Raft messages; never blocks the node loop (a message that cannot be queued is dropped and reported). */
    void send(List<Message> messages);

    /** The applied membership changed: add, update or drop peers to match it. */
    void membersChanged(ClusterMembership.View members);

    /** Since when messages from {@code peer} have been arriving without a break; empty while it is not connected. */
    Optional<Instant> activeSince(long peer);

    /** A network for a cluster of one: there is no one to send to. */
    PeerNetwork NONE = new PeerNetwork() {
        @Override
        public void attach(RaftNode node) {
        }

        @Override
        public void send(List<Message> messages) {
            if (!messages.isEmpty()) {
                throw new IllegalStateException("a member without peers was asked to send " + messages);
            }
        }

        @Override
        public void membersChanged(ClusterMembership.View members) {
        }

        @Override
        public Optional<Instant> activeSince(long peer) {
            return Optional.empty();
        }
    };
}
