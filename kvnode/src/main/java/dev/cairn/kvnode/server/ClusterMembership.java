package dev.cairn.kvnode.server;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.cairn.kvnode.mvcc.Bucket;
import dev.cairn.kvnode.mvcc.MvccStore;
import dev.cairn.kvnode.mvcc.WriteTxn;
import dev.cairn.kvnode.proto.etcdserverpb.Member;
import dev.cairn.kvnode.proto.internal.MemberAttributes;
import dev.cairn.kvnode.proto.internal.MemberRecord;
import dev.cairn.kvnode.raft.pb.ConfChange;
import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The cluster's members as the applied log says (etcd's RaftCluster): who is a voter or a learner, their names and
 * URLs, and which ids were removed for good. It changes only when entries are applied — a membership change, a
 * member publishing its attributes, a peer URL update — always in the same write transaction as the backend's
 * members buckets, so that a restart or a snapshot brings back exactly what was applied.
 *
 * <p>Readers on any thread see a consistent view: every change publishes a new immutable {@link View}.
 */
public final class ClusterMembership {
    /** The members at one point of the log, ordered by id as etcd lists them. */
    public record View(Map<Long, MemberRecord> members, Set<Long> removed) {
        public View {
            Map<Long, MemberRecord> byId = new TreeMap<>(Long::compareUnsigned);
            byId.putAll(members);
            members = java.util.Collections.unmodifiableMap(byId);
            removed = Set.copyOf(removed);
        }

        public Optional<MemberRecord> member(long id) {
            return Optional.ofNullable(members.get(id));
        }

        public long voters() {
            return members.values().stream().filter(m -> !m.getIsLearner()).count();
        }

        public long learners() {
            return members.values().stream().filter(MemberRecord::getIsLearner).count();
        }

        /** The member list as the Cluster API returns it. */
        public List<Member> toApi() {
            return members.values().stream().map(ClusterMembership::toApi).toList();
        }
    }

    private volatile View view;
    private final List<Consumer<View>> listeners = new CopyOnWriteArrayList<>();

    private ClusterMembership(View view) {
        this.view = view;
    }

    /** The members as the store's buckets hold them (at start, and again after a snapshot replaced the store). */
    public static ClusterMembership load(MvccStore store) {
        return new ClusterMembership(read(store));
    }

    /** Re-reads the buckets after the store was replaced by a snapshot, and tells the listeners. */
    public void reload(MvccStore store) {
        publish(read(store));
    }

    public View view() {
        return view;
    }

    /** Called with every new view, on the thread that applied the change (the node loop or the apply side). */
    public void onChange(Consumer<View> listener) {
        listeners.add(listener);
    }

    /**
     * Records a committed membership change in {@code txn} and returns the view it leads to (published by the caller
     * after the commit): an added member is recorded as its proposer described it (or bare, when
     * the entry carries no description), a promotion keeps the member's attributes, a removal remembers the id.
     */
    View applyConfChange(WriteTxn txn, ConfChange change, MemberRecord described) {
        Map<Long, MemberRecord> members = new TreeMap<>(view.members());
        Set<Long> removed = new TreeSet<>(view.removed());
        for (ConfChange.Single single : change.changes()) {
            long id = single.nodeId();
            switch (single.type()) {
                case ADD_VOTER, ADD_LEARNER -> {
                    boolean learner = single.type() == ConfChange.Type.ADD_LEARNER;
                    MemberRecord base = members.getOrDefault(id, described != null && described.getId() == id
                            ? described : MemberRecord.newBuilder().setId(id).build());
                    MemberRecord record = base.toBuilder().setIsLearner(learner).build();
                    members.put(id, record);
                    txn.putInBucket(Bucket.MEMBERS, key(id), record.toByteArray());
                }
                case REMOVE -> {
                    members.remove(id);
                    removed.add(id);
                    txn.deleteFromBucket(Bucket.MEMBERS, key(id));
                    txn.putInBucket(Bucket.MEMBERS_REMOVED, key(id), new byte[0]);
                }
            }
        }
        return new View(members, removed);
    }

    /** Records a member's name, client URLs and release, published by the member itself once it runs. */
    View applyAttributes(WriteTxn txn, MemberAttributes attributes) {
        MemberRecord current = view.members().get(attributes.getMemberId());
        if (current == null) {
            // Removed before its attributes were applied: nothing to record, as etcd ignores it.
            return view;
        }
        return replace(txn, current.toBuilder().setName(attributes.getName()).clearClientUrls()
                .addAllClientUrls(attributes.getClientUrlsList()).setCairnVersion(attributes.getCairnVersion())
                .build());
    }

    /** Records new peer URLs for a member (MemberUpdate). */
    View applyPeerUrls(WriteTxn txn, MemberRecord update) {
        MemberRecord current = view.members().get(update.getId());
        if (current == null) {
            return view;
        }
        return replace(txn, current.toBuilder().clearPeerUrls().addAllPeerUrls(update.getPeerUrlsList()).build());
    }

    private View replace(WriteTxn txn, MemberRecord record) {
        Map<Long, MemberRecord> members = new TreeMap<>(view.members());
        members.put(record.getId(), record);
        txn.putInBucket(Bucket.MEMBERS, key(record.getId()), record.toByteArray());
        return new View(members, view.removed());
    }

    /** Makes {@code next} the view, once the transaction that recorded it committed, and tells the listeners. */
    void publish(View next) {
        view = next;
        listeners.forEach(listener -> listener.accept(next));
    }

    public static Member toApi(MemberRecord record) {
        return Member.newBuilder().setID(record.getId()).setName(record.getName())
                .addAllPeerURLs(record.getPeerUrlsList()).addAllClientURLs(record.getClientUrlsList())
                .setIsLearner(record.getIsLearner()).build();
    }

    /** Whether any member other than {@code except} already uses one of {@code peerUrls}. */
    public boolean peerUrlsInUse(Collection<String> peerUrls, long except) {
        return view.members().values().stream().filter(m -> m.getId() != except)
                .anyMatch(m -> m.getPeerUrlsList().stream().anyMatch(peerUrls::contains));
    }

    static byte[] key(long id) {
        return ByteBuffer.allocate(Long.BYTES).putLong(id).array();
    }

    private static View read(MvccStore store) {
        Map<Long, MemberRecord> members = new TreeMap<>();
        for (Map.Entry<ByteString, ByteString> entry : store.bucket(Bucket.MEMBERS).entrySet()) {
            try {
                MemberRecord record = MemberRecord.parseFrom(entry.getValue());
                members.put(record.getId(), record);
            } catch (InvalidProtocolBufferException e) {
                throw new IllegalStateException("members bucket holds an unreadable record under key "
                        + entry.getKey().toStringUtf8(), e);
            }
        }
        Set<Long> removed = new TreeSet<>();
        for (ByteString id : store.bucket(Bucket.MEMBERS_REMOVED).keySet()) {
            removed.add(id.asReadOnlyByteBuffer().getLong());
        }
        return new View(members, removed);
    }
}
