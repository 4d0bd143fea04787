package dev.cairn.kvnode.server;

import dev.cairn.kvnode.lease.LeaseExpiry;
import dev.cairn.kvnode.lease.LeaseMetrics;
import dev.cairn.kvnode.lease.LeaseTiming;
import dev.cairn.kvnode.lease.Lessor;
import dev.cairn.kvnode.lease.MonotonicClock;
import dev.cairn.kvnode.mvcc.MvccStore;
import dev.cairn.kvnode.proto.etcdserverpb.ResponseHeader;
import dev.cairn.kvnode.proto.internal.MemberAttributes;
import dev.cairn.kvnode.raft.RaftConfig;
import dev.cairn.kvnode.raft.RawNode;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One member's server side, without its network listeners: durable state, the Raft node loop and the KV service
 * over them, wired and started. {@code EmbeddedKvnode} puts gRPC and HTTP in front of it; tests drive it directly.
 */
public final class Member implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger("member");
    /**
     * Bytes of entries the leader keeps in flight to one member. The message bound alone (256 appends of up to 1 MiB)
     * let a member catching up on a long log receive 256 MiB before it could acknowledge any, and its inbox holds
     * what arrived until the loop takes it: a learner with a 128 MiB heap ran out of memory that way. 16 MiB is still
     * many round trips of a busy cluster's appends on any network a cluster spans.
     */
    static final long RAFT_MAX_INFLIGHT_BYTES = 16L * 1024 * 1024;

    private final MemberStorage storage;
    private final RaftNode node;
    private final KvServer kv;
    private final ClusterServer cluster;
    private final ClusterMembership membership;
    private final AppliedClusterVersion clusterVersion;
    private final Lessor lessor;
    private final LeaseServer leases;
    private final LeaseExpiry leaseExpiry;
    private final MaintenanceServer maintenance;
    private final ExecutorService readers;
    private final ScheduledExecutorService retries;

    /**
     * How the member runs.
     *
     * @param tick the Raft tick (etcd's --heartbeat-interval)
     * @param electionTicks election timeout in ticks
     * @param requestTimeout longest a client request waits for Raft
     * @param leaseCheckpointInterval how often the leader proposes leases' remaining TTLs
     */
    public record Settings(Duration tick, int electionTicks, Duration requestTimeout, StorageOptions storage,
            Duration leaseCheckpointInterval) {
        /** With etcd's default lease checkpoint interval. */
        public Settings(Duration tick, int electionTicks, Duration requestTimeout, StorageOptions storage) {
            this(tick, electionTicks, requestTimeout, storage, LeaseTiming.DEFAULT_CHECKPOINT_INTERVAL);
        }

        public Settings withStorage(StorageOptions value) {
            return new Settings(tick, electionTicks, requestTimeout, value, leaseCheckpointInterval);
        }
    }

    private Member(MemberStorage storage, RaftNode node, KvServer kv, ClusterServer cluster,
            ClusterMembership membership, AppliedClusterVersion clusterVersion, Lessor lessor, LeaseServer leases,
            LeaseExpiry leaseExpiry, MaintenanceServer maintenance, ExecutorService readers,
            ScheduledExecutorService retries) {
        this.storage = storage;
        this.node = node;
        this.kv = kv;
        this.cluster = cluster;
        this.membership = membership;
        this.clusterVersion = clusterVersion;
        this.lessor = lessor;
        this.leases = leases;
        this.leaseExpiry = leaseExpiry;
        this.maintenance = maintenance;
        this.readers = readers;
        this.retries = retries;
    }

    /**
     * Opens the member state in {@code memberDir} and starts its node loop; returns once the member is ready (a
     * leader known and the log replayed) or the request timeout passed, whichever is first.
     *
     * @param network reaches the peers ({@link PeerNetwork#NONE} for a cluster that stays at one member)
     */
    public static Member start(Path memberDir, ClusterIdentity identity, Settings settings, MeterRegistry metrics,
            PeerNetwork network) throws IOException {
        return start(memberDir, identity, settings, metrics, network, MemberAttributes.newBuilder()
                .setMemberId(identity.memberId()).build());
    }

    /**
     * As above, and publishes {@code attributes} (the member's name, client URLs and release) to the cluster once
     * ready; with a name, the member also takes part in raising the cluster version.
     *
     * @throws BelowClusterVersionException when the release in {@code attributes} is below the cluster version the
     *                                      member's state holds
     */
    public static Member start(Path memberDir, ClusterIdentity identity, Settings settings, MeterRegistry metrics,
            PeerNetwork network, MemberAttributes attributes) throws IOException {
        MemberStorage storage = MemberStorage.open(memberDir, identity.memberId(), identity.clusterId(),
                identity.founders(), settings.storage(), new StorageMetrics(metrics));
        RaftNode node = null;
        ExecutorService readers = null;
        ScheduledExecutorService retries = null;
        LeaseExpiry leaseExpiry = null;
        try {
            MvccStore store = storage.store();
            ClusterMembership membership = ClusterMembership.load(store);
            if (membership.view().removed().contains(identity.memberId())) {
                throw new MemberRemovedException(identity.memberId());
            }
            AppliedClusterVersion clusterVersion = AppliedClusterVersion.load(store,
                    CairnVersion.parse(attributes.getCairnVersion()));
            ClusterVersionMetrics clusterVersionMetrics = new ClusterVersionMetrics(metrics);
            clusterVersion.current().ifPresent(clusterVersionMetrics::show);
            clusterVersion.onChange(clusterVersionMetrics::show);
            RaftNode[] self = new RaftNode[1];
            LongFunction<ResponseHeader> headers = revision -> identity.header(revision,
                    self[0] == null ? 0 : self[0].term());
            // Built from the store before the node replays the log, whose lease entries it then applies.
            Lessor lessor = new Lessor(store, MonotonicClock.SYSTEM, LeaseTiming.fromRaft(settings.tick(),
                    settings.electionTicks(), settings.leaseCheckpointInterval()), new LeaseMetrics(metrics));
            LeaseLeadership leaseLeadership = new LeaseLeadership(lessor);
            KvApplier applier = new KvApplier(store, lessor, headers);
            RawNode raw = new RawNode(RaftConfig.defaults(identity.memberId(), storage.raftLog(), new Random())
                    .withElectionTicks(settings.electionTicks()).withMaxInflightBytes(RAFT_MAX_INFLIGHT_BYTES)
                    .withApplied(storage.snapshotIndex()));
            node = new RaftNode(raw, storage, new EntryApplier(store, applier, membership, clusterVersion,
                    new LeaseApplier(store, lessor, headers), leaseLeadership::emptyEntryApplied, headers),
                    network::send, settings.tick(), settings.storage());
            node.setLeadershipListener(leaseLeadership);
            node.onSnapshotInstalled(lessor::recover);
            self[0] = node;
            network.attach(node);
            membership.onChange(network::membersChanged);
            network.membersChanged(membership.view());
            node.start();
            awaitReady(node, settings.requestTimeout());
            ServerMetrics.register(metrics, store, node);
            retries = Executors.newSingleThreadScheduledExecutor(daemonThreads("member-retry"));
            readers = Executors.newFixedThreadPool(Math.max(2, Runtime.getRuntime().availableProcessors()),
                    daemonThreads("kv-respond"));
            KvServer kv = new KvServer(node, applier, storage, settings.storage().effectiveQuotaBytes(),
                    settings.requestTimeout(), readers);
            ClusterServer cluster = new ClusterServer(node, membership, network, headers, store,
                    settings.requestTimeout(), readers);
            if (!attributes.getName().isEmpty()) {
                new AttributesPublisher(node, membership, attributes, settings.requestTimeout(), retries).start();
                new ClusterVersionMonitor(node, membership, clusterVersion, settings.requestTimeout(), retries).start();
            }
            LeaseServer leases = new LeaseServer(node, lessor, leaseLeadership, headers, store::currentRevision,
                    settings.requestTimeout(), readers);
            leaseExpiry = new LeaseExpiry(lessor, leases::confirmLeadership, leases);
            leaseExpiry.start();
            MaintenanceServer maintenance = new MaintenanceServer(node, store, identity, kv,
                    memberDir.resolve("backup-spool"), settings.requestTimeout(), metrics);
            return new Member(storage, node, kv, cluster, membership, clusterVersion, lessor, leases, leaseExpiry,
                    maintenance, readers, retries);
        } catch (IOException | RuntimeException e) {
            stop(leaseExpiry, node, readers, retries, storage);
            throw e;
        }
    }

    public KvServer kv() {
        return kv;
    }

    public MaintenanceServer maintenance() {
        return maintenance;
    }

    public RaftNode node() {
        return node;
    }

    public ClusterServer cluster() {
        return cluster;
    }

    public ClusterMembership membership() {
        return membership;
    }

    /** The cluster version this member applied. */
    public AppliedClusterVersion clusterVersion() {
        return clusterVersion;
    }

    public LeaseServer leases() {
        return leases;
    }

    /** The member's leases; {@link Lessor#recover()} it after the store was replaced by a snapshot. */
    public Lessor lessor() {
        return lessor;
    }

    public MemberStorage storage() {
        return storage;
    }

    /** For crash tests: stops the node loop, then loses what a power cut would (see MemberStorage). */
    public void simulatePowerLoss(java.util.Random random) throws IOException {
        retries.shutdownNow();
        leaseExpiry.close();
        node.close();
        readers.shutdown();
        storage.simulatePowerLoss(random);
    }

    /** Stops the node loop, then commits and closes the state. */
    @Override
    public void close() {
        stop(leaseExpiry, node, readers, retries, storage);
    }

    private static void stop(LeaseExpiry leaseExpiry, RaftNode node, ExecutorService readers,
            ScheduledExecutorService retries, MemberStorage storage) {
        if (retries != null) {
            retries.shutdownNow();
        }
        if (leaseExpiry != null) {
            leaseExpiry.close();
        }
        if (node != null) {
            node.close();
        }
        if (readers != null) {
            // Not shutdownNow: interrupting a read in MapDB's file I/O would close the backend's file channel.
            readers.shutdown();
            try {
                if (!readers.awaitTermination(10, TimeUnit.SECONDS)) {
                    log.warn("reads still running after 10s; closing the store under them");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            storage.close();
        } catch (IOException | RuntimeException e) {
            log.warn("closing member storage failed error={}", e.toString());
        }
    }

    /**
     * Waits for the node to know a leader and replay its log, as etcd waits for its ReadyNotify before it reports
     * ready; a member that cannot get ready in time starts anyway and reports it in /health.
     */
    private static void awaitReady(RaftNode node, Duration timeout) throws IOException {
        try {
            node.ready().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            log.warn("not ready after {}ms (no leader yet); serving anyway", timeout.toMillis());
        } catch (ExecutionException e) {
            throw new IOException("the member failed while starting: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting", e);
        }
    }

    private static ThreadFactory daemonThreads(String name) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
