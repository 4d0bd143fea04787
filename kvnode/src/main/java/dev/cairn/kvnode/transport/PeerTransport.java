package dev.cairn.kvnode.transport;

import dev.cairn.kvnode.proto.peer.PeerGrpc;
import dev.cairn.kvnode.raft.pb.Message;
import dev.cairn.kvnode.raft.pb.MessageType;
import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A member's peer transport (etcd's rafthttp.Transport): a gRPC server on the peer URLs that receives other members'
 * messages and snapshots, and a sender per peer that streams this member's messages to it. See the package
 * documentation for what goes over which stream and how failures are handled.
 *
 * <p>{@link #send} is called by the node loop after each persisted Ready and never blocks. Peers are added,
 * updated and removed as membership changes are applied; a removed member's streams are refused from then on.
 */
public final class PeerTransport implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger("transport");

    private final TransportConfig config;
    private final TransportMetrics metrics;
    private final PeerAdmission admission;
    private final InboundReports reports;
    private final ScheduledExecutorService streamExecutor;
    private final ExecutorService snapshotExecutor;
    private final SnapshotSender snapshots;
    private final Map<Long, RemotePeer> peers = new ConcurrentHashMap<>();
    private final Server server;
    private volatile PeerFaults faults = new PeerFaults();
    private volatile boolean closed;

    /** The parts that talk to one peer. */
    private record RemotePeer(PeerChannel channel, MessageStreamSender sender, PeerStatus status,
            TransportMetrics.Outgoing counters) {
    }

    private PeerTransport(TransportConfig config, Inbound inbound, SnapshotSource source, SnapshotSink sink,
            MeterRegistry registry, List<BindableService> alsoServe) throws IOException {
        this.config = config;
        this.metrics = new TransportMetrics(registry);
        this.admission = new PeerAdmission(config.clusterId(), config.memberId());
        this.reports = new InboundReports(inbound);
        this.streamExecutor = Executors.newScheduledThreadPool(2, named("peer-stream-"));
        this.snapshotExecutor = Executors.newCachedThreadPool(named("peer-snapshot-"));
        this.snapshots = new SnapshotSender(config, source, reports, snapshotExecutor, this::faults);
        try {
            this.server = startServer(new PeerService(config.memberId(), admission, inbound, sink, this::faults,
                    metrics), alsoServe);
        } catch (IOException | RuntimeException e) {
            stopExecutors();
            throw e;
        }
        log.info("peer transport serving local_member_id={} cluster_id={} listen_peer_urls={}",
                Long.toHexString(config.memberId()), Long.toHexString(config.clusterId()), config.listenPeerUrls());
    }

    /** Starts serving on the listen peer URLs; returns once they are bound. */
    public static PeerTransport start(TransportConfig config, Inbound inbound, SnapshotSource source,
            SnapshotSink sink, MeterRegistry registry) throws IOException {
        return new PeerTransport(config, inbound, source, sink, registry, List.of());
    }

    /**
     * As above, with more services on the peer port: what members ask each other outside Raft (a joining member asks
     * for the cluster's members).
     */
    public static PeerTransport start(TransportConfig config, Inbound inbound, SnapshotSource source,
            SnapshotSink sink, MeterRegistry registry, List<BindableService> alsoServe) throws IOException {
        return new PeerTransport(config, inbound, source, sink, registry, List.copyOf(alsoServe));
    }

    /** Where the server is bound, in the order of the listen URLs (useful when one asked for port 0). */
    public List<InetSocketAddress> listenAddresses() {
        return server.getListenSockets().stream().map(InetSocketAddress.class::cast).toList();
    }

    /**
     * Routes each message to its peer without blocking: messages to an unknown peer are dropped (as etcd does),
     * MsgSnap goes to the snapshot sender, everything else to the peer's stream queue. A full queue drops the
     * message and reports the peer unreachable.
     */
    public void send(List<Message> messages) {
        if (closed) {
            return;
        }
        PeerFaults active = faults;
        Set<MessageStreamSender> offeredTo = new HashSet<>(4);
        for (Message message : messages) {
            RemotePeer peer = peers.get(message.to());
            boolean snapshot = message.type() == MessageType.SNAP;
            if (peer == null || active.drops(config.memberId(), message.to())) {
                log.debug("dropped message to unknown or cut-off peer local_member_id={} message={}",
                        Long.toHexString(config.memberId()), message);
                if (snapshot) {
                    reports.snapshotStatus(message.to(), true);
                }
            } else if (snapshot) {
                snapshots.send(message, peer.channel(), peer.counters());
            } else if (peer.sender().offer(message)) {
                offeredTo.add(peer.sender());
            } else {
                peer.counters().sentFailures().increment();
                reports.unreachable(message.to());
            }
        }
        // One drain per peer for the whole Ready: its messages go out in as few writes as fit.
        offeredTo.forEach(MessageStreamSender::flush);
    }

    /** Starts talking to a new member (applied "add member"); its stream is opened at once. */
    public synchronized void addPeer(long id, List<URI> peerUrls) {
        checkOpen();
        if (id == config.memberId() || peers.containsKey(id)) {
            throw new IllegalArgumentException("member " + Long.toHexString(id) + " is this member or known already");
        }
        PeerChannel channel = new PeerChannel(config, peerUrls);
        PeerStatus status = new PeerStatus(config.memberId(), id, config.clock());
        TransportMetrics.Outgoing counters = metrics.to(id);
        MessageStreamSender sender = new MessageStreamSender(id, config, channel, status, counters, reports,
                streamExecutor);
        peers.put(id, new RemotePeer(channel, sender, status, counters));
        sender.start();
        log.info("added peer local_member_id={} remote_peer_id={} peer_urls={}", Long.toHexString(config.memberId()),
                Long.toHexString(id), peerUrls);
    }

    /** New peer URLs for a member (applied "update member"): its stream is reopened on them. */
    public synchronized void updatePeer(long id, List<URI> peerUrls) {
        checkOpen();
        RemotePeer peer = peers.get(id);
        if (peer == null) {
            throw new IllegalArgumentException("member " + Long.toHexString(id) + " is not a peer");
        }
        peer.channel().update(peerUrls);
        peer.sender().reconnectNow();
        log.info("updated peer local_member_id={} remote_peer_id={} peer_urls={}",
                Long.toHexString(config.memberId()), Long.toHexString(id), peerUrls);
    }

    /**
     * Stops talking to a removed member and refuses its streams from now on, for good: member ids are never reused.
     * Also for members removed before this member started (a restart learns them from its store).
     */
    public synchronized void removePeer(long id) {
        admission.markRemoved(id);
        RemotePeer peer = peers.remove(id);
        if (peer != null) {
            peer.sender().close();
            peer.channel().close();
            log.info("removed peer local_member_id={} remote_peer_id={}", Long.toHexString(config.memberId()),
                    Long.toHexString(id));
        }
    }

    /** Whether a stream to the peer is open and was accepted by it. */
    public boolean isActive(long id) {
        RemotePeer peer = peers.get(id);
        return peer != null && peer.status().isActive();
    }

    /** Since when the peer has been active; empty when it is not (or is not a peer). */
    public Optional<Instant> activeSince(long id) {
        RemotePeer peer = peers.get(id);
        return peer == null ? Optional.empty() : peer.status().activeSince();
    }

    /** Messages waiting in the peer's queue (at most the queue capacity). */
    public int queued(long id) {
        RemotePeer peer = peers.get(id);
        return peer == null ? 0 : peer.sender().queued();
    }

    /** Injects faults (tests only); the default drops nothing. */
    public void setFaults(PeerFaults faults) {
        this.faults = faults;
    }

    private PeerFaults faults() {
        return faults;
    }

    /** Stops every stream and transfer, unbinds the peer URLs and ends the transport's threads. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        peers.values().forEach(peer -> {
            peer.sender().close();
            peer.channel().close();
        });
        server.shutdownNow();
        try {
            server.awaitTermination(5, TimeUnit.SECONDS);
            for (RemotePeer peer : peers.values()) {
                peer.channel().awaitClosed();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        peers.clear();
        stopExecutors();
        log.info("peer transport stopped local_member_id={}", Long.toHexString(config.memberId()));
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the peer transport is closed");
        }
    }

    private void stopExecutors() {
        streamExecutor.shutdownNow();
        snapshotExecutor.shutdownNow();
        try {
            streamExecutor.awaitTermination(5, TimeUnit.SECONDS);
            snapshotExecutor.awaitTermination(5, TimeUnit.SECONDS);
            reports.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Server startServer(PeerService service, List<BindableService> alsoServe) throws IOException {
        List<URI> urls = PeerUrls.checked(config.listenPeerUrls());
        NettyServerBuilder builder = NettyServerBuilder.forAddress(listenAddress(urls.get(0)));
        for (URI url : urls.subList(1, urls.size())) {
            builder.addListenAddress(listenAddress(url));
        }
        alsoServe.forEach(builder::addService);
        return builder.addService(service)
                // Raft's messages go straight from the event loop to the node's inbox; snapshots are written to disk
                // on the default executor.
                .callExecutor(EventLoopCalls.forMethods(PeerGrpc.getStreamMethod().getFullMethodName()))
                .maxInboundMessageSize(config.maxMessageBytes())
                // Peers ping every keep-alive interval on idle streams; allow it, with margin for timer skew.
                .permitKeepAliveTime(config.keepAlive().toNanos() / 2, TimeUnit.NANOSECONDS)
                .permitKeepAliveWithoutCalls(true)
                // A restarted member binds its peer port again at once, even while connections of its previous
                // life linger in TIME_WAIT.
                .withOption(ChannelOption.SO_REUSEADDR, true)
                .build()
                .start();
    }

    private static SocketAddress listenAddress(URI url) {
        return new InetSocketAddress(url.getHost(), url.getPort());
    }

    private static ThreadFactory named(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> new Thread(runnable, prefix + count.incrementAndGet());
    }
}
