package dev.cairn.kvnode.server;

import com.google.protobuf.ByteString;
import dev.cairn.kvnode.mvcc.Bucket;
import dev.cairn.kvnode.mvcc.MvccStore;
import dev.cairn.kvnode.mvcc.WriteTxn;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster version as the applied log says: the lowest Cairn release that every member ran when the leader last
 * raised it (etcd's cluster version). It is written to the backend's cluster bucket in the same transaction that
 * applies the entry raising it, so it comes back after a restart and travels in snapshots with the members.
 *
 * <p>Invariants: it never goes down (an entry that would lower it changes nothing), and this member never runs below
 * it — neither at start, from what the backend holds, nor after an entry or a snapshot from the leader raised it
 * above this member's release ({@link BelowClusterVersionException}, which stops the member). A member whose release
 * is not a semantic version (a development build) is not checked.
 */
public final class AppliedClusterVersion {
    private static final Logger log = LoggerFactory.getLogger("cluster-version");
    /** The key etcd uses in its cluster bucket. */
    private static final byte[] KEY = "clusterVersion".getBytes(StandardCharsets.UTF_8);

    private final Optional<CairnVersion> own;
    private final List<Consumer<CairnVersion>> listeners = new CopyOnWriteArrayList<>();
    private volatile Optional<CairnVersion> current;

    private AppliedClusterVersion(Optional<CairnVersion> own, Optional<CairnVersion> current) {
        this.own = own;
        this.current = current;
    }

    /**
     * The cluster version the store holds, for a member running {@code own}.
     *
     * @throws BelowClusterVersionException when {@code own} is below it: the member must not start
     */
    public static AppliedClusterVersion load(MvccStore store, Optional<CairnVersion> own) {
        AppliedClusterVersion version = new AppliedClusterVersion(own, read(store));
        version.current.ifPresent(version::refuseIfBelow);
        return version;
    }

    /** Empty until the leader first decided it. */
    public Optional<CairnVersion> current() {
        return current;
    }

    /** Called with every new cluster version, on the thread that applied it. */
    public void onChange(Consumer<CairnVersion> listener) {
        listeners.add(listener);
    }

    /** Records {@code proposed} in {@code txn} if it is above the current version; returns whether it is. */
    boolean raise(WriteTxn txn, CairnVersion proposed) {
        Optional<CairnVersion> now = current;
        if (now.isPresent() && !now.get().isBelow(proposed)) {
            return false;
        }
        txn.putInBucket(Bucket.CLUSTER, KEY, proposed.toString().getBytes(StandardCharsets.UTF_8));
        return true;
    }

    /**
     * Makes {@code next} current once the transaction that recorded it committed, and tells the listeners.
     *
     * @throws BelowClusterVersionException when this member's release is below it (fatal for the node loop)
     */
    void publish(CairnVersion next) {
        log.info("cluster version set from={} to={}", current.map(CairnVersion::toString).orElse("none"), next);
        current = Optional.of(next);
        listeners.forEach(listener -> listener.accept(next));
        refuseIfBelow(next);
    }

    /** Re-reads the bucket after the store was replaced by a snapshot from the leader. */
    void reload(MvccStore store) {
        Optional<CairnVersion> loaded = read(store);
        if (loaded.isPresent() && !loaded.equals(current)) {
            publish(loaded.get());
        }
    }

    private void refuseIfBelow(CairnVersion cluster) {
        if (own.isPresent() && own.get().isBelow(cluster)) {
            throw new BelowClusterVersionException(own.get(), cluster);
        }
    }

    private static Optional<CairnVersion> read(MvccStore store) {
        ByteString stored = store.bucket(Bucket.CLUSTER).get(ByteString.copyFrom(KEY));
        if (stored == null) {
            return Optional.empty();
        }
        return Optional.of(CairnVersion.parse(stored.toStringUtf8()).orElseThrow(() -> new IllegalStateException(
                "the cluster bucket holds '" + stored.toStringUtf8() + "' as the cluster version, not a version")));
    }
}
