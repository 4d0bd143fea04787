package dev.cairn.kvnode.embed;

import dev.cairn.kvnode.server.StorageOptions;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Everything a member needs to start, named after etcd's flags of the same meaning.
 *
 * @param initialCluster member name to its peer URLs, from {@code --initial-cluster}
 * @param initialClusterState "new" to bootstrap, "existing" to join
 * @param heartbeatInterval the Raft tick (etcd's --heartbeat-interval)
 * @param electionTimeout how long a follower waits for a leader before campaigning (etcd's --election-timeout)
 * @param peerFaultInjection serve {@code /debug/peer-faults} on the metrics URLs, so tests can cut this member's peer
 *     links (never in production: off unless asked for)
 */
public record KvnodeConfig(
        String name,
        Path dataDir,
        List<URI> listenClientUrls,
        List<URI> advertiseClientUrls,
        List<URI> listenPeerUrls,
        List<URI> initialAdvertisePeerUrls,
        Map<String, List<URI>> initialCluster,
        String initialClusterState,
        String initialClusterToken,
        List<URI> listenMetricsUrls,
        int maxRequestBytes,
        int maxTxnOps,
        Duration heartbeatInterval,
        Duration electionTimeout,
        StorageOptions storage,
        boolean peerFaultInjection) {

    /** etcd's default for --max-request-bytes: 1.5 MiB. */
    public static final int DEFAULT_MAX_REQUEST_BYTES = 1536 * 1024;
    /** etcd's default for --max-txn-ops. */
    public static final int DEFAULT_MAX_TXN_OPS = 128;

    public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofMillis(100);
    public static final Duration DEFAULT_ELECTION_TIMEOUT = Duration.ofMillis(1000);

    public KvnodeConfig {
        if (electionTimeout.compareTo(heartbeatInterval.multipliedBy(2)) < 0) {
            throw new IllegalArgumentException("--election-timeout (" + electionTimeout.toMillis()
                    + "ms) must be at least twice --heartbeat-interval (" + heartbeatInterval.toMillis() + "ms)");
        }
        listenClientUrls = List.copyOf(listenClientUrls);
        advertiseClientUrls = List.copyOf(advertiseClientUrls);
        listenPeerUrls = List.copyOf(listenPeerUrls);
        initialAdvertisePeerUrls = List.copyOf(initialAdvertisePeerUrls);
        initialCluster = Map.copyOf(initialCluster);
        listenMetricsUrls = List.copyOf(listenMetricsUrls);
    }

    /** A one-member cluster on the given loopback ports, with etcd's defaults for the rest: what tests start. */
    public static KvnodeConfig singleMember(String name, Path dataDir, String host, int clientPort, int peerPort,
            int metricsPort) {
        URI client = URI.create("http://" + host + ":" + clientPort);
        URI peer = URI.create("http://" + host + ":" + peerPort);
        List<URI> metrics = metricsPort < 0 ? List.of() : List.of(URI.create("http://" + host + ":" + metricsPort));
        return new KvnodeConfig(name, dataDir, List.of(client), List.of(client), List.of(peer), List.of(peer),
                Map.of(name, List.of(peer)), "new", "etcd-cluster", metrics, DEFAULT_MAX_REQUEST_BYTES,
                DEFAULT_MAX_TXN_OPS, DEFAULT_HEARTBEAT_INTERVAL, DEFAULT_ELECTION_TIMEOUT, StorageOptions.DEFAULTS, false);
    }

    public KvnodeConfig withStorage(StorageOptions value) {
        return new KvnodeConfig(name, dataDir, listenClientUrls, advertiseClientUrls, listenPeerUrls,
                initialAdvertisePeerUrls, initialCluster, initialClusterState, initialClusterToken, listenMetricsUrls,
                maxRequestBytes, maxTxnOps, heartbeatInterval, electionTimeout, value, peerFaultInjection);
    }

    /** Election timeout in ticks, as the Raft core counts it. */
    public int electionTicks() {
        return (int) (electionTimeout.toMillis() / heartbeatInterval.toMillis());
    }

    /** etcd's request timeout: 5 s plus twice the election timeout. */
    public Duration requestTimeout() {
        return Duration.ofSeconds(5).plus(electionTimeout.multipliedBy(2));
    }
}
