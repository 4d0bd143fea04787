package dev.cairn.kvnode.embed;

import com.google.common.util.concurrent.MoreExecutors;
import com.google.protobuf.ByteString;
import dev.cairn.kvnode.api.AuthService;
import dev.cairn.kvnode.api.ClusterService;
import dev.cairn.kvnode.api.GrpcMetricsInterceptor;
import dev.cairn.kvnode.api.HttpEndpoints;
import dev.cairn.kvnode.api.KvService;
import dev.cairn.kvnode.api.LeaderForwarder;
import dev.cairn.kvnode.api.LeaderForwarding;
import dev.cairn.kvnode.api.LearnerGuard;
import dev.cairn.kvnode.api.LeaseService;
import dev.cairn.kvnode.api.MaintenanceService;
import dev.cairn.kvnode.api.PeerFaultControl;
import dev.cairn.kvnode.api.PeerMembersService;
import dev.cairn.kvnode.api.VersionReport;
import dev.cairn.kvnode.api.WatchService;
import dev.cairn.kvnode.mvcc.KeyRange;
import dev.cairn.kvnode.proto.etcdserverpb.KVGrpc;
import dev.cairn.kvnode.proto.etcdserverpb.LeaseGrpc;
import dev.cairn.kvnode.proto.etcdserverpb.WatchGrpc;
import dev.cairn.kvnode.proto.internal.MemberAttributes;
import dev.cairn.kvnode.proto.internal.MemberRecord;
import dev.cairn.kvnode.server.CairnRelease;
import dev.cairn.kvnode.server.CairnVersion;
import dev.cairn.kvnode.server.ClusterIdentity;
import dev.cairn.kvnode.server.ClusterMembership;
import dev.cairn.kvnode.server.EtcdApiVersion;
import dev.cairn.kvnode.server.Member;
import dev.cairn.kvnode.server.MemberIds;
import dev.cairn.kvnode.server.MemberStorage;
import dev.cairn.kvnode.transport.EventLoopCalls;
import dev.cairn.kvnode.wal.Wal;
import dev.cairn.kvnode.watch.WatchOptions;
import dev.cairn.kvnode.watch.WatchableStore;
import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running member in this JVM, after etcd's embed package: what {@code kvnode serve} starts, and what tests start
 * when they need a real server on real sockets without a second process. Close it to stop it cleanly.
 */
public final class EmbeddedKvnode implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger("embed");
    /** etcd's --grpc-keepalive-min-time: clients may ping this often, and no more. */
    private static final long KEEPALIVE_MIN_TIME_SECONDS = 5;

    private final KvnodeConfig config;
    private final ClusterIdentity identity;
    private final DataDirLock lock;
    private final TransportNetwork network;
    private final Member member;
    private final LeaderForwarding forwarding;
    private final WatchableStore watches;
    private final Server grpc;
    private final List<HttpEndpoints> http = new ArrayList<>();
    /** Client calls that may wait (membership changes, snapshots, defragmentation, hashing); daemon threads. */
    private final ExecutorService blockingCalls = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "grpc-blocking-call");
        thread.setDaemon(true);
        return thread;
    });

    private EmbeddedKvnode(KvnodeConfig config, WatchOptions watchOptions) throws IOException {
        this.config = config;
        checkSupported(config);
        Path memberDir = config.dataDir().resolve("member");
        this.lock = DataDirLock.acquire(memberDir);
        ExistingCluster.Joined joined;
        try {
            joined = identity(config, memberDir);
            this.identity = joined.identity();
        } catch (IOException | RuntimeException e) {
            releaseLock();
            throw e;
        }
        PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        metrics.config().namingConvention(new EtcdMetricNames(metrics.config().namingConvention()));
        PeerMembersService peerMembers = new PeerMembersService(identity.clusterId());
        TransportNetwork startedNetwork = null;
        Member started = null;
        WatchableStore startedWatches = null;
        try {
            startedNetwork = TransportNetwork.start(config, identity, metrics, List.of(peerMembers));
            startedNetwork.membersChanged(new ClusterMembership.View(
                    joined.members().stream().collect(java.util.stream.Collectors.toMap(MemberRecord::getId,
                            member -> member)), java.util.Set.of()));
            this.network = startedNetwork;
            started = Member.start(memberDir, identity, new Member.Settings(config.heartbeatInterval(),
                    config.electionTicks(), config.requestTimeout(), config.storage()), metrics,
                    startedNetwork, attributes(config, identity));
            this.member = started;
            peerMembers.serve(started.membership());
            this.forwarding = new LeaderForwarding(this::leaderClientUrl, config.requestTimeout(), config.name());
            Member serving = started;
            startedWatches = WatchableStore.start(started.storage().store(), watchOptions, metrics);
            WatchService watchService = new WatchService(startedWatches,
                    revision -> identity.header(revision, serving.node().term()), config.maxRequestBytes());
            this.watches = startedWatches;
            WatchableStore restoredWatches = startedWatches;
            started.node().onSnapshotInstalled(() -> restoredWatches.restored(serving.storage().store()));
            this.grpc = startGrpc(config, blockingCalls, new GrpcMetricsInterceptor(metrics),
                    new LearnerGuard(() -> member.node().isLearner()),
                    new KvService(started.kv(), config.maxRequestBytes(), config.maxTxnOps()),
                    watchService,
                    new ClusterService(started.cluster(), forwarding),
                    new LeaseService(started.leases(), new LeaderForwarder(forwarding)),
                    new MaintenanceService(started.maintenance()),
                    new AuthService(started.maintenance()::header));
            PeerFaultControl faults = config.peerFaultInjection() ? startedNetwork.faultControl() : null;
            for (URI url : config.listenMetricsUrls()) {
                http.add(HttpEndpoints.start(socketAddress(url), this::healthProblem, this::versions, metrics,
                        faults));
            }
        } catch (IOException | RuntimeException e) {
            http.forEach(HttpEndpoints::close);
            if (startedWatches != null) {
                startedWatches.close();
            }
            if (started != null) {
                started.close();
            }
            if (startedNetwork != null) {
                startedNetwork.close();
            }
            blockingCalls.shutdown();
            releaseLock();
            throw e;
        }
        log.info("serving name={} member_id={} cluster_id={} client_urls={} revision={}", config.name(),
                MemberIds.toHex(identity.memberId()), MemberIds.toHex(identity.clusterId()),
                config.listenClientUrls(), member.storage().store().currentRevision());
    }

    /**
     * From the WAL when the member has one (a restart: etcd ignores the bootstrap flags then); else derived from the
     * bootstrap flags for a founding member of a new cluster; else, joining a running cluster, asked of its members —
     * who are then its first peers: until its log tells it the members, it must already be able to answer the leader.
     */
    private static ExistingCluster.Joined identity(KvnodeConfig config, Path memberDir) throws IOException {
        Optional<Wal.Owner> owner = Wal.owner(MemberStorage.walDir(memberDir));
        boolean joining = "existing".equals(config.initialClusterState());
        if (owner.isPresent()) {
            // A joiner that stopped before the leader reached it must not bootstrap a cluster of its own now.
            return new ExistingCluster.Joined(joining
                    ? ClusterIdentity.joining(owner.get().clusterId(), owner.get().memberId())
                    : ClusterIdentity.bootstrap(config.name(), config.initialCluster(), config.initialClusterToken())
                            .restartingAs(owner.get().memberId(), owner.get().clusterId()), List.of());
        }
        return joining ? ExistingCluster.join(config, config.requestTimeout())
                : new ExistingCluster.Joined(ClusterIdentity.bootstrap(config.name(), config.initialCluster(),
                        config.initialClusterToken()), List.of());
    }

    /** Opens the data directory and starts serving; returns once every listener is bound. */
    public static EmbeddedKvnode start(KvnodeConfig config) throws IOException {
        return start(config, WatchOptions.DEFAULTS);
    }

    /** As {@link #start(KvnodeConfig)}, with watches served as {@code watchOptions} say (tests shorten intervals). */
    public static EmbeddedKvnode start(KvnodeConfig config, WatchOptions watchOptions) throws IOException {
        return new EmbeddedKvnode(config, watchOptions);
    }

    public ClusterIdentity identity() {
        return identity;
    }

    /** The port the first client listener is bound to (useful when the config asked for port 0). */
    public int clientPort() {
        return ((InetSocketAddress) grpc.getListenSockets().get(0)).getPort();
    }

    public int metricsPort() {
        return http.get(0).port();
    }

    /** Blocks until the server stops. */
    public void awaitTermination() throws InterruptedException {
        grpc.awaitTermination();
    }

    /** Completes with the error when the member failed and stopped serving (it never completes otherwise). */
    public CompletableFuture<Throwable> failure() {
        CompletableFuture<Throwable> failed = new CompletableFuture<>();
        member.node().terminated().whenComplete((ignored, error) -> {
            if (error != null) {
                failed.complete(error);
            }
        });
        return failed;
    }

    @Override
    public void close() {
        log.info("stopping name={}", config.name());
        http.forEach(HttpEndpoints::close);
        grpc.shutdown();
        forwarding.close();
        try {
            if (!grpc.awaitTermination(5, TimeUnit.SECONDS)) {
                grpc.shutdownNow();
            }
        } catch (InterruptedException e) {
            grpc.shutdownNow();
            Thread.currentThread().interrupt();
        }
        blockingCalls.shutdown();
        // Watches stop before the store closes: the syncer reads it.
        watches.close();
        member.close();
        network.close();
        releaseLock();
        log.info("stopped name={}", config.name());
    }

    /** Where requests only the leader can answer are forwarded: the first client URL the leader published. */
    private Optional<URI> leaderClientUrl() {
        long leader = member.node().leader();
        return member.membership().view().member(leader)
                .flatMap(record -> record.getClientUrlsList().stream().findFirst()).map(URI::create);
    }

    /** Null when the node loop runs and a read through the store succeeds; the reason otherwise. */
    private String healthProblem() {
        if (member.node().terminated().isDone()) {
            return "the node loop has stopped";
        }
        if (member.node().leader() == 0) {
            return "RAFT NO LEADER";
        }
        try {
            member.storage().store().range(KeyRange.single(ByteString.copyFromUtf8("health")), 0, 1, true);
            return null;
        } catch (RuntimeException e) {
            return "store unreadable: " + e.getMessage();
        }
    }

    private VersionReport versions() {
        Optional<CairnVersion> cluster = member.clusterVersion().current();
        return new VersionReport(EtcdApiVersion.SERVED, cluster.map(decided -> EtcdApiVersion.CLUSTER)
                .orElse(VersionReport.NOT_DECIDED), CairnRelease.running(),
                cluster.map(CairnVersion::toString).orElse(VersionReport.NOT_DECIDED));
    }

    private static MemberAttributes attributes(KvnodeConfig config, ClusterIdentity identity) {
        return MemberAttributes.newBuilder().setMemberId(identity.memberId()).setName(config.name())
                .setCairnVersion(CairnRelease.running())
                .addAllClientUrls(config.advertiseClientUrls().stream().map(URI::toString).toList()).build();
    }

    private static void checkSupported(KvnodeConfig config) {
        if (!"new".equals(config.initialClusterState()) && !"existing".equals(config.initialClusterState())) {
            throw new IllegalArgumentException("--initial-cluster-state must be 'new' or 'existing', got '"
                    + config.initialClusterState() + "'");
        }
    }

    private static Server startGrpc(KvnodeConfig config, Executor blockingCalls, GrpcMetricsInterceptor metrics,
            LearnerGuard learners, BindableService... services) throws IOException {
        List<URI> urls = config.listenClientUrls();
        NettyServerBuilder builder = NettyServerBuilder.forAddress(socketAddress(urls.get(0)));
        for (URI url : urls.subList(1, urls.size())) {
            builder.addListenAddress(socketAddress(url));
        }
        // A little above the request limit, so an oversized request gets etcd's "request is too large" from the
        // service rather than a transport error, as etcd arranges it.
        builder.maxInboundMessageSize(config.maxRequestBytes() + 512 * 1024)
                .permitKeepAliveTime(KEEPALIVE_MIN_TIME_SECONDS, TimeUnit.SECONDS)
                .intercept(learners)
                .intercept(LeaderForwarding.forwardedCalls())
                .intercept(metrics)
                // Handlers of these answer from futures and never wait: no hand-off to another thread per request,
                // not even gRPC's method lookup (it runs on the server's executor, here the event loop). Cluster,
                // Maintenance and Auth (membership waits, snapshots, defragmentation) run on blockingCalls.
                .executor(MoreExecutors.directExecutor())
                .callExecutor(EventLoopCalls.forServices(KVGrpc.SERVICE_NAME, WatchGrpc.SERVICE_NAME,
                        LeaseGrpc.SERVICE_NAME).otherwiseOn(blockingCalls));
        for (BindableService service : services) {
            builder.addService(service);
        }
        return builder.build().start();
    }

    private static InetSocketAddress socketAddress(URI url) {
        if (!"http".equals(url.getScheme())) {
            throw new IllegalArgumentException("URL " + url + ": only http is served yet (TLS comes later)");
        }
        if (url.getPort() < 0) {
            throw new IllegalArgumentException("URL " + url + " has no port");
        }
        return new InetSocketAddress(url.getHost(), url.getPort());
    }

    private void releaseLock() {
        try {
            lock.close();
        } catch (IOException e) {
            log.warn("releasing data directory lock failed error={}", e.toString());
        }
    }
}
