package dev.cairn.kvnode.server;

import dev.cairn.kvnode.mvcc.MvccStore;
import dev.cairn.kvnode.proto.etcdserverpb.ResponseHeader;
import dev.cairn.kvnode.raft.RaftConfig;
import dev.cairn.kvnode.raft.RawNode;
import dev.cairn.kvnode.raft.pb.Message;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One member's server side, without its network listeners: durable state, the Raft node loop and the KV service
 * over them, wired and started. {@code EmbeddedKvnode} puts gRPC and HTTP in front of it; tests drive it directly.
 */
public final class Member implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger("member");

    private final MemberStorage storage;
    private final RaftNode node;
    private final KvServer kv;
    private final MaintenanceServer maintenance;
    private final ExecutorService readers;

    /**
     * How the member runs.
     *
     * @param tick the Raft tick (etcd's --heartbeat-interval)
     * @param electionTicks election timeout in ticks
     * @param requestTimeout longest a client request waits for Raft
     */
    public record Settings(Duration tick, int electionTicks, Duration requestTimeout, StorageOptions storage) {
    }

    private Member(MemberStorage storage, RaftNode node, KvServer kv, MaintenanceServer maintenance,
            ExecutorService readers) {
        this.storage = storage;
        this.node = node;
        this.kv = kv;
        this.maintenance = maintenance;
        this.readers = readers;
    }

    /**
     * Opens the member state in {@code memberDir} and starts its node loop; returns once the member is ready (a
     * leader known and the log replayed) or the request timeout passed, whichever is first.
     *
     * @param outbound sends Raft messages to peers (a one-member cluster sends none)
     */
    public static Member start(Path memberDir, ClusterIdentity identity, Settings settings, MeterRegistry metrics,
            Consumer<List<Message>> outbound) throws IOException {
        MemberStorage storage = MemberStorage.open(memberDir, identity.memberId(), identity.clusterId(),
                identity.founderIds(), settings.storage(), new StorageMetrics(metrics));
        RaftNode node = null;
        ExecutorService readers = null;
        try {
            MvccStore store = storage.store();
            RaftNode[] self = new RaftNode[1];
            LongFunction<ResponseHeader> headers = revision -> identity.header(revision,
                    self[0] == null ? 0 : self[0].term());
            KvApplier applier = new KvApplier(store, headers);
            RawNode raw = new RawNode(RaftConfig.defaults(identity.memberId(), storage.raftLog(), new Random())
                    .withElectionTicks(settings.electionTicks()).withApplied(storage.snapshotIndex()));
            node = new RaftNode(raw, storage, new EntryApplier(store, applier, headers), outbound, settings.tick(),
                    settings.storage());
            self[0] = node;
            node.start();
            awaitReady(node, settings.requestTimeout());
            ServerMetrics.register(metrics, store, node);
            readers = Executors.newFixedThreadPool(Math.max(2, Runtime.getRuntime().availableProcessors()),
                    daemonThreads("kv-respond"));
            KvServer kv = new KvServer(node, applier, storage, settings.storage().effectiveQuotaBytes(),
                    settings.requestTimeout(), readers);
            MaintenanceServer maintenance = new MaintenanceServer(node, store, identity, kv,
                    memberDir.resolve("backup-spool"), settings.requestTimeout(), metrics);
            return new Member(storage, node, kv, maintenance, readers);
        } catch (IOException | RuntimeException e) {
            stop(node, readers, storage);
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

    public MemberStorage storage() {
        return storage;
    }

    /** For crash tests: stops the node loop, then loses what a power cut would (see MemberStorage). */
    public void simulatePowerLoss(java.util.Random random) throws IOException {
        node.close();
        readers.shutdown();
        storage.simulatePowerLoss(random);
    }

    /** Stops the node loop, then commits and closes the state. */
    @Override
    public void close() {
        stop(node, readers, storage);
    }

    private static void stop(RaftNode node, ExecutorService readers, MemberStorage storage) {
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
