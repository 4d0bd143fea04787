package dev.cairn.kvnode.cli;

import dev.cairn.kvnode.embed.EmbeddedKvnode;
import dev.cairn.kvnode.embed.KvnodeConfig;
import dev.cairn.kvnode.mvcc.StoreOptions;
import dev.cairn.kvnode.server.StorageOptions;
import dev.cairn.kvnode.wal.WalOptions;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sun.misc.Signal;

/** {@code kvnode serve}: runs a member until SIGTERM or SIGINT, then stops cleanly. Flags are etcd's. */
@Command(name = "serve", mixinStandardHelpOptions = true, description = "Run a kvnode member.")
final class ServeCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger("cli");
    private static final String LEAK_DETECTION_PROPERTY = "io.grpc.netty.shaded.io.netty.leakDetection.level";

    @Option(names = "--name", defaultValue = "default", description = "Human-readable name of this member.")
    String name;

    @Option(names = "--data-dir", description = "Directory for this member's data (default: <name>.etcd).")
    Path dataDir;

    @Option(names = "--listen-client-urls", defaultValue = "http://localhost:2379",
            description = "URLs to serve clients on, comma-separated.")
    String listenClientUrls;

    @Option(names = "--advertise-client-urls", defaultValue = "http://localhost:2379",
            description = "Client URLs to tell the rest of the cluster.")
    String advertiseClientUrls;

    @Option(names = "--listen-peer-urls", defaultValue = "http://localhost:2380",
            description = "URLs to serve peers on, comma-separated.")
    String listenPeerUrls;

    @Option(names = "--initial-advertise-peer-urls", defaultValue = "http://localhost:2380",
            description = "Peer URLs of this member, for bootstrapping.")
    String initialAdvertisePeerUrls;

    @Option(names = "--initial-cluster", defaultValue = "default=http://localhost:2380",
            description = "Bootstrap configuration: name=peerURL,...")
    String initialCluster;

    @Option(names = "--initial-cluster-state", defaultValue = "new", description = "new or existing.")
    String initialClusterState;

    @Option(names = "--initial-cluster-token", defaultValue = "etcd-cluster",
            description = "Token that makes this cluster's ids unique.")
    String initialClusterToken;

    @Option(names = "--listen-metrics-urls", defaultValue = "",
            description = "URLs to serve /health and /metrics on, comma-separated.")
    String listenMetricsUrls;

    @Option(names = "--max-request-bytes", defaultValue = "" + KvnodeConfig.DEFAULT_MAX_REQUEST_BYTES,
            description = "Largest client request accepted, in bytes.")
    int maxRequestBytes;

    @Option(names = "--max-txn-ops", defaultValue = "" + KvnodeConfig.DEFAULT_MAX_TXN_OPS,
            description = "Most operations in one transaction.")
    int maxTxnOps;

    @Option(names = "--heartbeat-interval", defaultValue = "100", description = "Time (in milliseconds) of a "
            + "heartbeat interval.")
    long heartbeatIntervalMs;

    @Option(names = "--election-timeout", defaultValue = "1000", description = "Time (in milliseconds) for an "
            + "election to timeout.")
    long electionTimeoutMs;

    @Option(names = "--snapshot-count", defaultValue = "" + StorageOptions.DEFAULT_SNAPSHOT_COUNT,
            description = "Number of committed transactions to trigger a snapshot to disk.")
    long snapshotCount;

    @Option(names = "--snapshot-bytes", defaultValue = "" + StorageOptions.DEFAULT_SNAPSHOT_BYTES,
            description = "Also snapshot after this many bytes of applied entries (bounds the replay after a crash).")
    long snapshotBytes;

    @Option(names = "--max-snapshots", defaultValue = "5",
            description = "Maximum number of snapshot files to retain.")
    int maxSnapshots;

    @Option(names = "--quota-backend-bytes", defaultValue = "0",
            description = "Raise alarms when backend size exceeds the given quota (0 defaults to 2 GiB).")
    long quotaBackendBytes;

    // etcd tunes its bbolt commits with these two. Cairn's backend has no commits to batch (it is trusted only after a
    // clean close, see docs/compatibility.md), so they are accepted, checked and have no effect: etcd command lines
    // keep working.
    @Option(names = "--backend-batch-interval", defaultValue = "100ms",
            description = "Accepted for etcd compatibility; no effect (Cairn's backend has no batched commits).")
    String backendBatchInterval;

    @Option(names = "--backend-batch-limit", defaultValue = "10000",
            description = "Accepted for etcd compatibility; no effect (Cairn's backend has no batched commits).")
    int backendBatchLimit;

    @Option(names = {"--compaction-batch-limit", "--experimental-compaction-batch-limit"}, defaultValue = "1000",
            description = "Maximum number of changes deleted in each compaction batch.")
    int compactionBatchLimit;

    @Option(names = "--wal-segment-bytes", defaultValue = "" + WalOptions.DEFAULT_SEGMENT_SIZE,
            description = "Size each WAL segment file is preallocated to.")
    long walSegmentBytes;

    @Option(names = "--experimental-peer-fault-injection", hidden = true,
            description = "Serve /debug/peer-faults on the metrics URLs so tests can cut peer links.")
    boolean peerFaultInjection;

    @Override
    public Integer call() throws Exception {
        KvnodeConfig config = toConfig();
        disableBufferLeakSampling();
        CountDownLatch stopped = new CountDownLatch(1);
        AtomicInteger exitCode = new AtomicInteger(0);
        EmbeddedKvnode node = EmbeddedKvnode.start(config);
        log.info("kvnode started version={} name={}", VersionProvider.version(), config.name());
        // Handle the stop signals ourselves rather than in a shutdown hook: the stop is then an orderly return
        // with exit code 0, which is what a supervisor (kubelet, systemd) reads as a clean stop.
        for (String signal : List.of("TERM", "INT")) {
            Signal.handle(new Signal(signal), received -> stopped.countDown());
        }
        // A member that can no longer persist stops serving and exits non-zero, so its supervisor restarts it.
        node.failure().thenAccept(error -> {
            exitCode.set(1);
            stopped.countDown();
        });
        stopped.await();
        log.info("stopping name={} reason={}", config.name(), exitCode.get() == 0 ? "signal" : "failure");
        node.close();
        return exitCode.get();
    }

    KvnodeConfig toConfig() {
        goDuration(backendBatchInterval); // refused when malformed, as etcd refuses it
        Path dir = dataDir != null ? dataDir : Path.of(name + ".etcd");
        return new KvnodeConfig(name, dir, urls(listenClientUrls), urls(advertiseClientUrls), urls(listenPeerUrls),
                urls(initialAdvertisePeerUrls), parseInitialCluster(initialCluster), initialClusterState,
                initialClusterToken, urls(listenMetricsUrls), maxRequestBytes, maxTxnOps,
                Duration.ofMillis(heartbeatIntervalMs), Duration.ofMillis(electionTimeoutMs),
                StorageOptions.DEFAULTS.withSnapshotCount(snapshotCount).withSnapshotBytes(snapshotBytes)
                        .withMaxSnapshots(maxSnapshots)
                        .withQuotaBackendBytes(quotaBackendBytes).withWalSegmentBytes(walSegmentBytes)
                        .withStore(new StoreOptions(compactionBatchLimit)), peerFaultInjection);
    }

    /** A duration as Go (and so etcd) writes it: 100ms, 1s, 1m30s. */
    static Duration goDuration(String value) {
        return GoDuration.parse(value);
    }

    static List<URI> urls(String commaSeparated) {
        return Arrays.stream(commaSeparated.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .map(URI::create).toList();
    }

    /** {@code a=http://h1:2380,a=http://h1b:2380,b=http://h2:2380}: a name may appear once per peer URL. */
    static Map<String, List<URI>> parseInitialCluster(String value) {
        Map<String, List<URI>> members = new LinkedHashMap<>();
        for (String entry : value.split(",")) {
            String trimmed = entry.trim();
            int eq = trimmed.indexOf('=');
            if (eq <= 0 || eq == trimmed.length() - 1) {
                throw new IllegalArgumentException("--initial-cluster entry '" + trimmed + "' is not name=peerURL");
            }
            members.computeIfAbsent(trimmed.substring(0, eq), k -> new java.util.ArrayList<>())
                    .add(URI.create(trimmed.substring(eq + 1)));
        }
        return members;
    }

    /**
     * Netty samples about one buffer in a hundred for leak reports by default, and each sample records a stack trace:
     * 0.6 % of a loaded cluster's CPU in the profile, for a debugging aid. Off unless asked for with netty's own
     * property (grpc-netty-shaded's name: {@value #LEAK_DETECTION_PROPERTY}).
     */
    private static void disableBufferLeakSampling() {
        if (System.getProperty(LEAK_DETECTION_PROPERTY) == null) {
            io.grpc.netty.shaded.io.netty.util.ResourceLeakDetector.setLevel(
                    io.grpc.netty.shaded.io.netty.util.ResourceLeakDetector.Level.DISABLED);
        }
    }
}
