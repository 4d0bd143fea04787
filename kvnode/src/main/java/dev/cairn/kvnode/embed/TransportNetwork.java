package dev.cairn.kvnode.embed;

import dev.cairn.kvnode.api.PeerFaultControl;
import dev.cairn.kvnode.proto.internal.MemberRecord;
import dev.cairn.kvnode.raft.pb.Message;
import dev.cairn.kvnode.raft.pb.SnapshotMetadata;
import dev.cairn.kvnode.server.ClusterIdentity;
import dev.cairn.kvnode.server.ClusterMembership;
import dev.cairn.kvnode.server.PeerNetwork;
import dev.cairn.kvnode.server.RaftNode;
import dev.cairn.kvnode.snap.Snapshotter;
import dev.cairn.kvnode.transport.Inbound;
import dev.cairn.kvnode.transport.PeerFaults;
import dev.cairn.kvnode.transport.PeerTransport;
import dev.cairn.kvnode.transport.SnapshotSink;
import dev.cairn.kvnode.transport.SnapshotSource;
import dev.cairn.kvnode.transport.TransportConfig;
import io.grpc.BindableService;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The member's side of the gRPC peer transport: what the transport receives goes to the node loop, the node's
 * messages go out through it, snapshot files come from and go to the member's snapshot directory, and the set of
 * peers follows the applied membership — added, re-addressed and removed (for good) as the log says.
 */
final class TransportNetwork implements PeerNetwork, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger("embed");

    private final long self;
    private final PeerTransport transport;
    private final Map<Long, List<URI>> peers = new HashMap<>();
    private volatile RaftNode node;

    private TransportNetwork(long self, TransportConfig config, MeterRegistry metrics, List<BindableService> alsoServe)
            throws IOException {
        this.self = self;
        this.transport = PeerTransport.start(config, new ToNode(), new SnapshotFiles(), new IncomingSnapshots(),
                metrics, alsoServe);
    }

    /** Binds the peer URLs; messages that arrive before the node is attached are dropped (Raft resends). */
    static TransportNetwork start(KvnodeConfig config, ClusterIdentity identity, MeterRegistry metrics,
            List<BindableService> alsoServe) throws IOException {
        return new TransportNetwork(identity.memberId(), TransportConfig.defaults(identity.memberId(),
                identity.clusterId(), config.listenPeerUrls()), metrics, alsoServe);
    }

    @Override
    public void attach(RaftNode raftNode) {
        this.node = raftNode;
    }

    @Override
    public void send(List<Message> messages) {
        transport.send(messages);
    }

    @Override
    public synchronized void membersChanged(ClusterMembership.View members) {
        for (MemberRecord member : members.members().values()) {
            if (member.getId() == self) {
                continue;
            }
            List<URI> urls = member.getPeerUrlsList().stream().map(URI::create).toList();
            List<URI> known = peers.put(member.getId(), urls);
            if (known == null) {
                transport.addPeer(member.getId(), urls);
            } else if (!known.equals(urls)) {
                transport.updatePeer(member.getId(), urls);
            }
        }
        for (long removed : members.removed()) {
            peers.remove(removed);
            transport.removePeer(removed);
        }
    }

    @Override
    public Optional<Instant> activeSince(long peer) {
        return transport.activeSince(peer);
    }

    /** Fault tests' control over this member's peer links (see {@code --experimental-peer-fault-injection}). */
    PeerFaultControl faultControl() {
        PeerFaults faults = new PeerFaults();
        transport.setFaults(faults);
        return new PeerFaultControl() {
            @Override
            public void isolateFrom(long peer) {
                faults.partition(self, peer);
            }

            @Override
            public void healWith(long peer) {
                faults.heal(self, peer);
            }

            @Override
            public void healAll() {
                faults.healAll();
            }
        };
    }

    @Override
    public void close() {
        transport.close();
    }

    /** What the transport hands over goes to the node loop's queue. */
    private final class ToNode implements Inbound {
        @Override
        public void receive(Message message) {
            RaftNode target = node;
            if (target != null) {
                target.receive(message);
            }
        }

        @Override
        public void unreachable(long peer) {
            RaftNode target = node;
            if (target != null) {
                target.reportUnreachable(peer);
            }
        }

        @Override
        public void snapshotStatus(long peer, boolean failed) {
            RaftNode target = node;
            if (target != null) {
                target.reportSnapshot(peer, failed);
            }
        }

        @Override
        public void removedFromCluster() {
            RaftNode target = node;
            log.warn("a peer says this member was removed from the cluster; stopping");
            if (target != null) {
                target.stopAsRemoved();
            }
        }
    }

    /** The leader's snapshot files, as its snapshotter wrote them. */
    private final class SnapshotFiles implements SnapshotSource {
        @Override
        public SnapshotFile open(SnapshotMetadata metadata) throws IOException {
            RaftNode source = node;
            Path file = source == null ? null : source.snapshotFile(metadata).orElse(null);
            if (file == null) {
                throw new IOException("snapshot index=" + metadata.index() + " term=" + metadata.term()
                        + " is no longer on disk");
            }
            return new SnapshotFile(Files.newInputStream(file), Files.size(file));
        }
    }

    /** A snapshot file from the leader, written into this member's snapshot directory before Raft hears of it. */
    private final class IncomingSnapshots implements SnapshotSink {
        @Override
        public IncomingSnapshot begin(SnapshotMetadata metadata, long size) throws IOException {
            RaftNode target = node;
            if (target == null) {
                throw new IOException("this member is still starting");
            }
            Snapshotter.Incoming incoming = target.receiveSnapshot(metadata);
            return new IncomingSnapshot() {
                @Override
                public OutputStream output() {
                    return incoming.out();
                }

                @Override
                public void commit() throws IOException {
                    incoming.commit();
                }

                @Override
                public void abort() {
                    try {
                        incoming.abort();
                    } catch (IOException e) {
                        log.warn("dropping a partly received snapshot failed error={}", e.toString());
                    }
                }
            };
        }
    }
}
