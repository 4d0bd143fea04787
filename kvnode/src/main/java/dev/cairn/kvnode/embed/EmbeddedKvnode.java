package dev.cairn.kvnode.embed;

import com.google.protobuf.ByteString;
import dev.cairn.kvnode.api.GrpcMetricsInterceptor;
import dev.cairn.kvnode.api.HttpEndpoints;
import dev.cairn.kvnode.api.KvService;
import dev.cairn.kvnode.api.WatchService;
import dev.cairn.kvnode.mvcc.KeyRange;
import dev.cairn.kvnode.raft.pb.Message;
import dev.cairn.kvnode.server.ClusterIdentity;
import dev.cairn.kvnode.server.Member;
import dev.cairn.kvnode.server.MemberStorage;
import dev.cairn.kvnode.wal.Wal;
import dev.cairn.kvnode.server.MemberIds;
import dev.cairn.kvnode.watch.WatchOptions;
import dev.cairn.kvnode.watch.WatchableStore;
import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
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
    private final Member member;
    private final WatchableStore watches;
    private final WatchService watchService;
    private final Server grpc;
    private final List<HttpEndpoints> http = new ArrayList<>();

    private EmbeddedKvnode(KvnodeConfig config, WatchOptions watchOptions) throws IOException {
        this.config = config;
        checkSupported(config);
        Path memberDir = config.dataDir().resolve("member");
        this.lock = DataDirLock.acquire(memberDir);
        try {
            this.identity = identity(config, memberDir);
        } catch (IOException | RuntimeException e) {
            releaseLock();
            throw e;
        }
        PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        metrics.config().namingConvention(new EtcdMetricNames(metrics.config().namingConvention()));
        Member started = null;
        WatchableStore startedWatches = null;
        WatchService startedWatchService = null;
        try {
            started = Member.start(memberDir, identity, new Member.Settings(config.heartbeatInterval(),
                    config.electionTicks(), config.requestTimeout(), config.storage()), metrics,
                    EmbeddedKvnode::noPeers);
            this.member = started;
            Member serving = started;
            startedWatches = WatchableStore.start(started.storage().store(), watchOptions, metrics);
            startedWatchService = new WatchService(startedWatches,
                    revision -> identity.header(revision, serving.node().term()), config.maxRequestBytes());
            this.watches = startedWatches;
            this.watchService = startedWatchService;
            this.grpc = startGrpc(config, new GrpcMetricsInterceptor(metrics),
                    new KvService(started.kv(), config.maxRequestBytes(), config.maxTxnOps()), startedWatchService);
            for (URI url : config.listenMetricsUrls()) {
                http.add(HttpEndpoints.start(socketAddress(url), this::healthProblem, metrics));
            }
        } catch (IOException | RuntimeException e) {
            http.forEach(HttpEndpoints::close);
            if (startedWatchService != null) {
                startedWatchService.close();
            }
            if (startedWatches != null) {
                startedWatches.close();
            }
            if (started != null) {
                started.close();
            }
            releaseLock();
            throw e;
        }
        log.info("serving name={} member_id={} cluster_id={} client_urls={} revision={}", config.name(),
                MemberIds.toHex(identity.memberId()), MemberIds.toHex(identity.clusterId()),
                config.listenClientUrls(), member.storage().store().currentRevision());
    }

    /** From the WAL when the member has one (a restart), else derived from the bootstrap flags (a new member). */
    private static ClusterIdentity identity(KvnodeConfig config, Path memberDir) throws IOException {
        ClusterIdentity fromFlags = ClusterIdentity.bootstrap(config.name(), config.initialCluster(),
                config.initialClusterToken());
        Optional<Wal.Owner> owner = Wal.owner(MemberStorage.walDir(memberDir));
        return owner.map(o -> fromFlags.restartingAs(o.memberId(), o.clusterId())).orElse(fromFlags);
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
        try {
            if (!grpc.awaitTermination(5, TimeUnit.SECONDS)) {
                grpc.shutdownNow();
            }
        } catch (InterruptedException e) {
            grpc.shutdownNow();
            Thread.currentThread().interrupt();
        }
        // Watches stop before the store closes: the syncer and the senders read it.
        watchService.close();
        watches.close();
        member.close();
        releaseLock();
        log.info("stopped name={}", config.name());
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

    /** A one-member cluster has no peers; the Raft core addresses no one. */
    private static void noPeers(List<Message> messages) {
        if (!messages.isEmpty()) {
            log.warn("dropping {} raft messages: this member has no peers (first to={})", messages.size(),
                    messages.get(0).to());
        }
    }

    private static void checkSupported(KvnodeConfig config) {
        if (config.initialCluster().size() != 1) {
            throw new IllegalArgumentException("--initial-cluster lists " + config.initialCluster().size()
                    + " members; this kvnode serves one-member clusters only until replication lands");
        }
        if (!"new".equals(config.initialClusterState())) {
            throw new IllegalArgumentException("--initial-cluster-state must be 'new' (joining an existing cluster "
                    + "comes with replication), got '" + config.initialClusterState() + "'");
        }
    }

    private static Server startGrpc(KvnodeConfig config, GrpcMetricsInterceptor metrics,
            BindableService... services) throws IOException {
        List<URI> urls = config.listenClientUrls();
        NettyServerBuilder builder = NettyServerBuilder.forAddress(socketAddress(urls.get(0)));
        for (URI url : urls.subList(1, urls.size())) {
            builder.addListenAddress(socketAddress(url));
        }
        // A little above the request limit, so an oversized request gets etcd's "request is too large" from the
        // service rather than a transport error, as etcd arranges it.
        builder.maxInboundMessageSize(config.maxRequestBytes() + 512 * 1024)
                .permitKeepAliveTime(KEEPALIVE_MIN_TIME_SECONDS, TimeUnit.SECONDS);
        for (BindableService service : services) {
            builder.addService(ServerInterceptors.intercept(service, metrics));
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
