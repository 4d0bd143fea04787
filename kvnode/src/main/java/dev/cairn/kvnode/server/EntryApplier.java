package dev.cairn.kvnode.server;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.cairn.kvnode.mvcc.ApplyPosition;
import dev.cairn.kvnode.mvcc.CompactedRevisionException;
import dev.cairn.kvnode.mvcc.FutureRevisionException;
import dev.cairn.kvnode.mvcc.MvccStore;
import dev.cairn.kvnode.mvcc.WriteTxn;
import dev.cairn.kvnode.proto.etcdserverpb.AlarmMember;
import dev.cairn.kvnode.proto.etcdserverpb.AlarmRequest;
import dev.cairn.kvnode.proto.etcdserverpb.AlarmResponse;
import dev.cairn.kvnode.proto.etcdserverpb.AlarmType;
import dev.cairn.kvnode.proto.etcdserverpb.CompactionRequest;
import dev.cairn.kvnode.proto.etcdserverpb.CompactionResponse;
import dev.cairn.kvnode.proto.etcdserverpb.ResponseHeader;
import dev.cairn.kvnode.proto.internal.ClusterVersion;
import dev.cairn.kvnode.proto.internal.InternalRequest;
import dev.cairn.kvnode.proto.internal.MembershipChange;
import dev.cairn.kvnode.raft.pb.ConfChange;
import dev.cairn.kvnode.raft.pb.Entry;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongConsumer;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies committed log entries that carry client requests to the MVCC store, in log order, each exactly once: an
 * entry at or below the store's consistent index is already in the backend (it is being replayed after a restart)
 * and is skipped. The result — a response, or the {@link KvException} a client gets — goes to whoever proposed it.
 */
public final class EntryApplier {
    private static final Logger log = LoggerFactory.getLogger("apply");
    private final MvccStore store;
    private final KvApplier kv;
    private final ClusterMembership membership;
    private final AppliedClusterVersion clusterVersion;
    private final LeaseApplier leases;
    private final LongConsumer emptyEntryApplied;
    private final LongFunction<ResponseHeader> headers;
    private final AlarmStore alarms;

    /** @param emptyEntryApplied told the term of each leader's empty entry once it is applied */
    public EntryApplier(MvccStore store, KvApplier kv, ClusterMembership membership,
            AppliedClusterVersion clusterVersion, LeaseApplier leases, LongConsumer emptyEntryApplied,
            LongFunction<ResponseHeader> headers) {
        this.store = store;
        this.kv = kv;
        this.membership = membership;
        this.clusterVersion = clusterVersion;
        this.leases = leases;
        this.emptyEntryApplied = emptyEntryApplied;
        this.headers = headers;
        this.alarms = new AlarmStore(store);
    }

    /** Whether the store already holds the effects of {@code entry}. */
    boolean alreadyApplied(Entry entry) {
        return entry.index() <= store.applied().index();
    }

    /** The store was replaced by a snapshot: the members and the cluster version are what it holds now. */
    void snapshotInstalled() {
        membership.reload(store);
        clusterVersion.reload(store);
    }

    /** Records an entry with no request in it (a new leader's empty entry) as applied. */
    void applyEmpty(Entry entry) {
        store.markApplied(position(entry));
        emptyEntryApplied.accept(entry.term());
    }

    /**
     * Applies a membership change (the Raft core has applied it to its configuration) to the cluster's members and
     * the backend's members buckets, so that the members survive restarts and travel in snapshots with everything
     * else. Returns the id of the proposal that waits for it (0 for bootstrap entries and changes without one).
     */
    long applyMembership(Entry entry, ConfChange change) {
        MembershipChange context = decodeContext(entry, change);
        ClusterMembership.View next;
        try (WriteTxn txn = store.beginWrite(position(entry))) {
            next = membership.applyConfChange(txn, change, context.hasMember() ? context.getMember() : null);
            txn.commit();
        }
        membership.publish(next);
        return context.getProposalId();
    }

    /**
     * Applies a request entry; returns the proposal id and what its proposer gets: a response message, a
     * {@link KvException}, or for a physical compaction a future of the response.
     */
    Applied apply(Entry entry) {
        InternalRequest request = decode(entry);
        ApplyPosition position = position(entry);
        Object result;
        try {
            if (addsData(request) && alarms.isActive(AlarmType.NOSPACE)) {
                // etcd's capped applier: while the cluster is out of space, nothing that would add data is applied,
                // wherever it was proposed and whatever the backend's size is now, until the alarm is disarmed.
                store.markApplied(position);
                throw KvError.NO_SPACE.exception();
            }
            result = switch (request.getRequestCase()) {
                case PUT -> write(position, txn -> kv.put(txn, request.getPut()));
                case DELETE_RANGE -> write(position, txn -> kv.deleteRange(txn, request.getDeleteRange()));
                case TXN -> write(position, txn -> kv.txn(txn, request.getTxn()));
                case COMPACTION -> compact(request.getCompaction(), position);
                case MEMBER_ATTRIBUTES -> membershipWrite(position,
                        txn -> membership.applyAttributes(txn, request.getMemberAttributes()));
                case MEMBER_UPDATE -> membershipWrite(position,
                        txn -> membership.applyPeerUrls(txn, request.getMemberUpdate()));
                case CLUSTER_VERSION -> raiseClusterVersion(entry, position, request.getClusterVersion());
                case LEASE_GRANT -> write(position, txn -> leases.grant(txn, request.getLeaseGrant()));
                case LEASE_REVOKE -> write(position, txn -> leases.revoke(txn, request.getLeaseRevoke()));
                case LEASE_CHECKPOINT -> write(position, txn -> leases.checkpoint(txn, request.getLeaseCheckpoint()));
                case ALARM -> alarm(request.getAlarm(), position);
                case REQUEST_NOT_SET -> {
                    store.markApplied(position);
                    yield null;
                }
                // Kinds whose appliers land with their services; none is proposed before then.
                default -> throw new IllegalStateException("entry " + entry.index() + ": "
                        + request.getRequestCase() + " requests are not applied by this version");
            };
        } catch (KvException e) {
            result = e;
        }
        return new Applied(request.getId(), result);
    }

    record Applied(long proposalId, Object result) {
    }

    private Object write(ApplyPosition position, java.util.function.Function<WriteTxn, Object> body) {
        try (WriteTxn txn = store.beginWrite(position)) {
            return body.apply(txn);
        }
    }

    private static boolean addsData(InternalRequest request) {
        return switch (request.getRequestCase()) {
            case PUT, LEASE_GRANT -> true;
            case TXN -> BackendQuota.addsData(request.getTxn());
            default -> false;
        };
    }

    private AlarmResponse alarm(AlarmRequest request, ApplyPosition position) {
        try (WriteTxn txn = store.beginWrite(position)) {
            List<AlarmMember> changed = alarms.apply(txn, request);
            txn.commit();
            if (request.getAction() != AlarmRequest.AlarmAction.GET && !changed.isEmpty()) {
                log.warn("alarm {} {} from={}", request.getAction() == AlarmRequest.AlarmAction.ACTIVATE ? "raised"
                        : "disarmed", request.getAlarm(), MemberIds.toHex(request.getMemberID()));
            }
            return AlarmResponse.newBuilder().setHeader(headers.apply(store.currentRevision())).addAllAlarms(changed)
                    .build();
        }
    }

    private Object compact(CompactionRequest request, ApplyPosition position) {
        CompletableFuture<Void> done;
        try {
            done = store.compact(request.getRevision(), position);
        } catch (CompactedRevisionException e) {
            throw KvError.COMPACTED_REVISION.exception();
        } catch (FutureRevisionException e) {
            throw KvError.FUTURE_REVISION.exception();
        }
        CompactionResponse response = CompactionResponse.newBuilder()
                .setHeader(headers.apply(store.currentRevision())).build();
        // etcd answers a physical compaction once the compacted changes are gone from the backend.
        return request.getPhysical() ? done.thenApply(ignored -> response) : response;
    }

    /** Applies a change to the members that is not a Raft configuration change; answers with the new view. */
    private Object membershipWrite(ApplyPosition position,
            java.util.function.Function<WriteTxn, ClusterMembership.View> body) {
        ClusterMembership.View next;
        try (WriteTxn txn = store.beginWrite(position)) {
            next = body.apply(txn);
            txn.commit();
        }
        membership.publish(next);
        return next;
    }

    /**
     * Applies the leader's ClusterVersion: recorded when it raises the cluster version, ignored otherwise (it never
     * goes down). Publishing it stops this member if its own release is below it.
     */
    private Object raiseClusterVersion(Entry entry, ApplyPosition position, ClusterVersion request) {
        CairnVersion proposed = CairnVersion.parse(request.getVersion()).orElseThrow(() -> new IllegalStateException(
                "committed entry " + entry.index() + " sets the cluster version to '" + request.getVersion()
                        + "', which is not a version"));
        boolean raised;
        try (WriteTxn txn = store.beginWrite(position)) {
            raised = clusterVersion.raise(txn, proposed);
            txn.commit();
        }
        if (raised) {
            clusterVersion.publish(proposed);
        }
        return proposed;
    }

    private static MembershipChange decodeContext(Entry entry, ConfChange change) {
        if (change.context().length == 0) {
            return MembershipChange.getDefaultInstance();
        }
        try {
            return MembershipChange.parseFrom(change.context());
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("committed membership change " + entry.index()
                    + " carries an unreadable context", e);
        }
    }

    private static ApplyPosition position(Entry entry) {
        return new ApplyPosition(entry.index(), entry.term());
    }

    private static InternalRequest decode(Entry entry) {
        try {
            return InternalRequest.parseFrom(entry.data());
        } catch (InvalidProtocolBufferException e) {
            // The entry is committed: every member holds it. Skipping it would make this member's state differ.
            throw new IllegalStateException("committed entry " + entry.index() + " holds no valid request", e);
        }
    }
}
