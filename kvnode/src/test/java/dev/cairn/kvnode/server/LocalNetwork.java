package dev.cairn.kvnode.server;

import dev.cairn.kvnode.raft.pb.Message;
import dev.cairn.kvnode.raft.pb.MessageType;
import dev.cairn.kvnode.snap.Snapshotter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Members of one cluster in one JVM, wired to each other without sockets: what cluster tests of the server layer use
 * before the peer transport comes in. Messages are handed to the recipient's node loop like the transport would;
 * cutting a member off drops everything to and from it.
 */
final class LocalNetwork {
    private final Map<Long, RaftNode> nodes = new ConcurrentHashMap<>();
    private final Map<Long, Instant> attachedAt = new ConcurrentHashMap<>();
    private final Set<Long> isolated = ConcurrentHashMap.newKeySet();

    /** The network as member {@code self} sees it. */
    PeerNetwork endpoint(long self) {
        return new PeerNetwork() {
            @Override
            public void attach(RaftNode node) {
                nodes.put(self, node);
                attachedAt.put(self, Instant.now());
            }

            @Override
            public void send(List<Message> messages) {
                for (Message message : messages) {
                    RaftNode to = nodes.get(message.to());
                    if (to != null && !isolated.contains(self) && !isolated.contains(message.to())) {
                        if (message.type() == MessageType.SNAP) {
                            sendSnapshot(nodes.get(self), to, message);
                        } else {
                            to.receive(message);
                        }
                    } else if (to == null || isolated.contains(message.to())) {
                        RaftNode from = nodes.get(self);
                        if (from != null) {
                            from.reportUnreachable(message.to());
                        }
                    }
                }
            }

            @Override
            public void membersChanged(ClusterMembership.View members) {
            }

            @Override
            public Optional<Instant> activeSince(long peer) {
                if (isolated.contains(self) || isolated.contains(peer) || !nodes.containsKey(peer)) {
                    return Optional.empty();
                }
                return Optional.ofNullable(attachedAt.get(peer));
            }
        };
    }

    /** As the transport does: the file first, then the message, then the outcome to the sender. */
    private static void sendSnapshot(RaftNode from, RaftNode to, Message message) {
        boolean failed = true;
        try {
            Path file = from.snapshotFile(message.snapshot().metadata()).orElseThrow();
            Snapshotter.Incoming incoming = to.receiveSnapshot(message.snapshot().metadata());
            Files.copy(file, incoming.out());
            incoming.commit();
            to.receive(message);
            failed = false;
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("sending snapshot " + message.snapshot() + " failed", e);
        } finally {
            from.reportSnapshot(message.to(), failed);
        }
    }

    /** A stopped member: nothing reaches it any more. */
    void detach(long member) {
        nodes.remove(member);
        attachedAt.remove(member);
    }

    void isolate(long member) {
        isolated.add(member);
    }

    void heal(long member) {
        isolated.remove(member);
    }

    /** Makes every member look connected for longer than etcd's health interval, so reconfiguration is allowed. */
    void backdateConnections() {
        attachedAt.replaceAll((id, since) -> since.minus(ClusterServer.HEALTH_INTERVAL).minusSeconds(1));
    }
}
