package dev.cairn.kvnode.server;

import dev.cairn.kvnode.mvcc.ApplyPosition;
import dev.cairn.kvnode.mvcc.Bucket;
import dev.cairn.kvnode.mvcc.MvccStore;
import dev.cairn.kvnode.mvcc.StoreImage;
import dev.cairn.kvnode.mvcc.WriteTxn;
import dev.cairn.kvnode.proto.internal.MemberRecord;
import dev.cairn.kvnode.raft.pb.ConfState;
import dev.cairn.kvnode.raft.pb.HardState;
import dev.cairn.kvnode.raft.pb.SnapshotMetadata;
import dev.cairn.kvnode.snap.Snapshotter;
import dev.cairn.kvnode.wal.Wal;
import dev.cairn.kvnode.wal.WalOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a member's data directory for a new cluster out of a backup (etcd's {@code snapshot restore}): every key,
 * revision and lease of the backup, under a new membership. Each member of the new cluster restores the same backup
 * into its own directory, with the same {@code --initial-cluster}, and starts as if it had been running.
 *
 * <p>How: the store is rebuilt from the backup's image; its members buckets are replaced by the new members and its
 * alarms cleared; its consistent index is set to N, the number of new members, where the new log starts — as if the
 * N bootstrap entries had been applied and then folded into a snapshot. That snapshot is written (so a restart that
 * must rebuild the store finds it), then a WAL whose snapshot marker and hard state (term 1, commit N) say the same,
 * and finally the marker that the store was closed cleanly. A directory that already holds a member is refused.
 */
public final class BackupRestore {
    private static final Logger log = LoggerFactory.getLogger("restore");
    private static final long TERM = 1;

    private BackupRestore() {
    }

    /**
     * Restores {@code image} into {@code memberDir} as the member {@code identity} of a new cluster.
     *
     * @return the revision restored
     */
    public static long restore(InputStream image, Path memberDir, ClusterIdentity identity) throws IOException {
        if (identity.founders().isEmpty()) {
            throw new IllegalArgumentException("a restore needs the new cluster's members (--initial-cluster)");
        }
        if (Files.exists(memberDir)) {
            try (var entries = Files.list(memberDir)) {
                if (entries.findAny().isPresent()) {
                    throw new IllegalStateException("data directory " + memberDir.getParent()
                            + " already holds a member: restore into a new directory");
                }
            }
        }
        Files.createDirectories(memberDir);
        Path backend = MemberStorage.backendFile(memberDir);
        StoreImage.restore(image, backend);
        long index = identity.founders().size();
        SnapshotMetadata start = new SnapshotMetadata(new ConfState(Set.copyOf(identity.founderIds()), Set.of(),
                Set.of(), Set.of(), false), index, TERM);
        long revision;
        try (MvccStore store = MvccStore.open(backend)) {
            ApplyPosition position = new ApplyPosition(index, TERM);
            store.rebaseAppliedTo(position);
            replaceMembership(store, position, identity.founders());
            revision = store.currentRevision();
            new Snapshotter(MemberStorage.snapDir(memberDir)).save(start, store.captureImage()::writeTo);
        }
        try (Wal wal = Wal.open(MemberStorage.walDir(memberDir), WalOptions.defaults(identity.memberId(),
                identity.clusterId()))) {
            wal.saveSnapshotMarker(start);
            wal.append(new HardState(TERM, 0, index), List.of());
            wal.sync();
        }
        MemberStorage.markClosedCleanly(memberDir);
        log.info("restored revision={} as member_id={} of cluster_id={} members={}", revision,
                MemberIds.toHex(identity.memberId()), MemberIds.toHex(identity.clusterId()),
                identity.founders().stream().map(MemberRecord::getName).collect(Collectors.joining(",")));
        return revision;
    }

    private static void replaceMembership(MvccStore store, ApplyPosition position, List<MemberRecord> members) {
        try (WriteTxn txn = store.beginWrite(position)) {
            for (Bucket bucket : List.of(Bucket.MEMBERS, Bucket.MEMBERS_REMOVED, Bucket.ALARM)) {
                for (var key : store.bucket(bucket).keySet()) {
                    txn.deleteFromBucket(bucket, key.toByteArray());
                }
            }
            for (MemberRecord member : members) {
                txn.putInBucket(Bucket.MEMBERS, ByteBuffer.allocate(Long.BYTES).putLong(member.getId()).array(),
                        member.toByteArray());
            }
            txn.commit();
        }
    }
}
