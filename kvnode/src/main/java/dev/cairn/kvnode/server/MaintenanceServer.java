package dev.cairn.kvnode.server;

import dev.cairn.kvnode.mvcc.CompactedRevisionException;
import dev.cairn.kvnode.mvcc.FutureRevisionException;
import dev.cairn.kvnode.mvcc.HashResult;
import dev.cairn.kvnode.mvcc.MvccStore;
import dev.cairn.kvnode.proto.etcdserverpb.AlarmMember;
import dev.cairn.kvnode.proto.etcdserverpb.AlarmRequest;
import dev.cairn.kvnode.proto.etcdserverpb.AlarmResponse;
import dev.cairn.kvnode.proto.etcdserverpb.AlarmType;
import dev.cairn.kvnode.proto.etcdserverpb.DefragmentResponse;
import dev.cairn.kvnode.proto.etcdserverpb.HashKVResponse;
import dev.cairn.kvnode.proto.etcdserverpb.HashResponse;
import dev.cairn.kvnode.proto.etcdserverpb.MoveLeaderResponse;
import dev.cairn.kvnode.proto.etcdserverpb.ResponseHeader;
import dev.cairn.kvnode.proto.etcdserverpb.StatusResponse;
import dev.cairn.kvnode.proto.internal.InternalRequest;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The member's Maintenance service behind the gRPC layer, after etcd's maintenance server: status, hashes, backups,
 * defragmentation, alarms and leadership transfer. Alarms go through Raft like every change of replicated state;
 * the rest reads or rewrites this member's own store.
 */
public final class MaintenanceServer {
    private static final Logger log = LoggerFactory.getLogger("maintenance");

    private final RaftNode node;
    private final MvccStore store;
    private final ClusterIdentity identity;
    private final KvServer kv;
    private final AlarmStore alarms;
    private final Path spoolDir;
    private final long timeoutNanos;
    private final MaintenanceMetrics metrics;

    /**
     * @param spoolDir where backups wait while clients download them; emptied of what a previous process left
     */
    public MaintenanceServer(RaftNode node, MvccStore store, ClusterIdentity identity, KvServer kv, Path spoolDir,
            Duration requestTimeout, MeterRegistry registry) throws IOException {
        this.node = node;
        this.store = store;
        this.identity = identity;
        this.kv = kv;
        this.alarms = new AlarmStore(store);
        this.spoolDir = spoolDir;
        this.timeoutNanos = requestTimeout.toNanos();
        this.metrics = new MaintenanceMetrics(registry, kv.quotaBytes());
        BackupStream.deleteLeftovers(spoolDir);
    }

    /** etcd's Status: this member's view; errors lists "no leader" when there is none, then every active alarm. */
    public StatusResponse status() {
        long leader = node.leader();
        StatusResponse.Builder status = StatusResponse.newBuilder()
                .setHeader(header())
                .setVersion(EtcdApiVersion.SERVED)
                .setDbSize(store.sizeBytes())
                .setDbSizeInUse(store.sizeInUseBytes())
                .setLeader(leader)
                .setRaftIndex(node.committedIndex())
                .setRaftTerm(node.term())
                .setRaftAppliedIndex(node.appliedIndex())
                .setIsLearner(node.isLearner());
        if (leader == 0) {
            status.addErrors(KvError.NO_LEADER.message());
        }
        for (AlarmMember alarm : alarms.get(AlarmType.NONE)) {
            status.addErrors(AlarmStore.describe(alarm));
        }
        return status.build();
    }

    /** etcd's Hash: of the whole store (see {@link MvccStore#hashAll()}). */
    public HashResponse hash() {
        long revision = store.currentRevision();
        int hash = store.hashAll();
        return HashResponse.newBuilder().setHeader(identity.header(revision, node.term()))
                .setHash(hash).build();
    }

    /** etcd's HashKV at {@code revision} (0: the current one). */
    public HashKVResponse hashKv(long revision) {
        HashResult result;
        try {
            result = store.hash(revision);
        } catch (CompactedRevisionException e) {
            throw KvError.COMPACTED_REVISION.exception();
        } catch (FutureRevisionException e) {
            throw KvError.FUTURE_REVISION.exception();
        }
        return HashKVResponse.newBuilder().setHeader(header()).setHash(result.hash())
                // etcd reports -1 for a store that was never compacted; etcdctl prints it.
                .setCompactRevision(result.compactRevision() == 0 ? -1 : result.compactRevision())
                .setHashRevision(result.revision()).build();
    }

    /** etcd's Alarm: every action goes through Raft, GET too, so it sees every alarm raised before it. */
    public CompletableFuture<AlarmResponse> alarm(AlarmRequest request) {
        return kv.propose(InternalRequest.newBuilder().setAlarm(request), AlarmResponse.class);
    }

    /**
     * etcd's Defragment: rewrites this member's backend file (see {@link MvccStore#defragment()}); answers when done.
     * Blocks the calling thread meanwhile.
     */
    public DefragmentResponse defragment() throws IOException {
        long before = store.sizeBytes();
        long started = System.nanoTime();
        store.defragment();
        long took = System.nanoTime() - started;
        metrics.defragmented(took);
        log.info("defragmented size_before={} size_after={} in_use={} took_ms={}", before, store.sizeBytes(),
                store.sizeInUseBytes(), TimeUnit.NANOSECONDS.toMillis(took));
        return DefragmentResponse.newBuilder().setHeader(header()).build();
    }

    /**
     * etcd's Snapshot: captures the store and spools its image; the caller streams it and closes it. Blocks while
     * the image is written.
     */
    public BackupStream openBackup() throws IOException {
        long started = System.nanoTime();
        BackupStream backup = BackupStream.spool(store, spoolDir);
        metrics.snapshotSpooled(System.nanoTime() - started);
        return backup;
    }

    /** The header every message of a backup carries: its revision, and this member. */
    public ResponseHeader backupHeader(BackupStream backup) {
        return identity.header(backup.revision(), node.term());
    }

    /**
     * etcd's MoveLeader: answers once {@code target} leads; "not leader" on a follower, "bad leader transferee" for a
     * target that is not a voter, and etcd's leader transfer timeout when the target has not taken over within the
     * request timeout.
     */
    public CompletableFuture<MoveLeaderResponse> moveLeader(long target) {
        return node.moveLeader(target).orTimeout(timeoutNanos, TimeUnit.NANOSECONDS)
                .exceptionallyCompose(error -> {
                    Throwable cause = error instanceof CompletionException && error.getCause() != null
                            ? error.getCause() : error;
                    return CompletableFuture.failedFuture(cause instanceof TimeoutException
                            ? KvError.LEADER_TRANSFER_TIMEOUT.exception() : cause);
                })
                .thenApply(ignored -> MoveLeaderResponse.newBuilder().setHeader(header()).build());
    }

    /** The header of an answer about this member now: its current revision and term. */
    public ResponseHeader header() {
        return identity.header(store.currentRevision(), node.term());
    }
}
