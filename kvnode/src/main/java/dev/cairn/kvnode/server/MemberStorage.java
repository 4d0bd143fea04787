package dev.cairn.kvnode.server;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.cairn.kvnode.disk.Directories;
import dev.cairn.kvnode.mvcc.ChangesSection;
import dev.cairn.kvnode.mvcc.EarlierChanges;
import dev.cairn.kvnode.mvcc.EarlierChangesMismatchException;
import dev.cairn.kvnode.mvcc.MvccStore;
import dev.cairn.kvnode.mvcc.StoreImage;
import dev.cairn.kvnode.mvcc.StoreOptions;
import dev.cairn.kvnode.proto.internal.MemberRecord;
import dev.cairn.kvnode.proto.internal.MembershipChange;
import dev.cairn.kvnode.raft.Bootstrap;
import dev.cairn.kvnode.raft.MemoryStorage;
import dev.cairn.kvnode.raft.Ready;
import dev.cairn.kvnode.raft.pb.Entry;
import dev.cairn.kvnode.raft.pb.HardState;
import dev.cairn.kvnode.raft.pb.Snapshot;
import dev.cairn.kvnode.raft.pb.SnapshotMetadata;
import dev.cairn.kvnode.snap.LoadResult;
import dev.cairn.kvnode.snap.SnapshotFile;
import dev.cairn.kvnode.snap.Snapshotter;
import dev.cairn.kvnode.wal.Recovered;
import dev.cairn.kvnode.wal.Wal;
import dev.cairn.kvnode.wal.WalOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A member's durable state and how it comes back after a restart, as etcd arranges it: the WAL is the truth about
 * the Raft log, the newest snapshot marker in it says where the log begins, and the MVCC backend says (by its
 * consistent index) which entries it already holds. On open:
 * <ol>
 * <li>the WAL is read back (a torn tail is cut; damage in the middle stops the member with file and offset);</li>
 * <li>the backend is trusted only if the member stopped cleanly: after a crash it is deleted and rebuilt (it is
 * written in place without a log, see {@link #discardBackendAfterUncleanStop});</li>
 * <li>the backend is opened; if it is older than the log's snapshot — the entries between are gone from the WAL — it
 * is rebuilt from the newest valid snapshot file, falling back past damaged ones;</li>
 * <li>a backend newer than the log is refused: the log lost entries the backend holds, and going on would let this
 * member vote and acknowledge as if it had never seen them;</li>
 * <li>the Raft storage is loaded from the snapshot marker, the entries after it and the hard state; the node then
 * re-delivers every committed entry after the marker, and those at or below the consistent index are skipped.</li>
 * </ol>
 * A new member with no WAL writes its cluster's bootstrap entries first.
 */
public final class MemberStorage implements AutoCloseable {
    /** At most this much of the entries before a snapshot stays in memory for lagging followers. */
    static final long CATCH_UP_BYTES = 16L * 1024 * 1024;
    private static final Logger log = LoggerFactory.getLogger("storage");

    private final Path memberDir;
    private final Wal wal;
    private final Snapshotter snapshotter;
    private final MvccStore store;
    private final MemoryStorage raftLog;
    private final StorageMetrics metrics;
    private volatile SyncListener syncListener = SyncListener.NONE;
    /** The last snapshot {@link #saveSnapshot} wrote (snapshot writer only). */
    private SavedSnapshot lastWritten;

    /** Sees every WAL fsync the node loop makes; crash and ordering tests hook in here. */
    public interface SyncListener {
        SyncListener NONE = new SyncListener() {
        };

        /** Before the fsync of entries up to {@code lastIndex}; throwing fails the sync (as a dying disk would). */
        default void beforeSync(long lastIndex) throws IOException {
        }

        /** After the fsync: everything up to {@code lastIndex} is durable. */
        default void afterSync(long lastIndex) {
        }
    }

    private MemberStorage(Path memberDir, Wal wal, Snapshotter snapshotter, MvccStore store, MemoryStorage raftLog,
            StorageMetrics metrics) {
        this.memberDir = memberDir;
        this.wal = wal;
        this.snapshotter = snapshotter;
        this.store = store;
        this.raftLog = raftLog;
        this.metrics = metrics;
    }

    /** Where each part lives under {@code <data-dir>/member}. */
    public static Path walDir(Path memberDir) {
        return memberDir.resolve("wal");
    }

    public static Path snapDir(Path memberDir) {
        return memberDir.resolve("snap");
    }

    public static Path backendFile(Path memberDir) {
        return memberDir.resolve("kv.db");
    }

    /** Present only while the member is stopped after a clean close: the backend can then be trusted as it is. */
    static Path cleanMarker(Path memberDir) {
        return memberDir.resolve("kv.db.closed-cleanly");
    }

    /**
     * Opens (or, with no WAL yet, bootstraps with {@code founders} as the voters) the member state in
     * {@code memberDir}. With no founders the member joins a running cluster: its log starts empty and the leader
     * fills it.
     */
    public static MemberStorage open(Path memberDir, long memberId, long clusterId, Collection<MemberRecord> founders,
            StorageOptions options, StorageMetrics metrics) throws IOException {
        Snapshotter snapshotter = new Snapshotter(snapDir(memberDir));
        Wal wal = Wal.open(walDir(memberDir), WalOptions.defaults(memberId, clusterId)
                .withSegmentSize(options.walSegmentBytes()));
        MvccStore store = null;
        try {
            Recovered recovered = wal.recovered();
            boolean fresh = recovered.hardState().isEmpty() && recovered.entries().isEmpty()
                    && recovered.snapshot().index() == 0;
            if (!fresh) {
                discardBackendAfterUncleanStop(memberDir);
            }
            // From here on a crash leaves the backend untrusted again.
            Files.deleteIfExists(cleanMarker(memberDir));
            Directories.sync(memberDir);
            store = MvccStore.open(backendFile(memberDir), options.store());
            if (fresh) {
                if (store.applied().index() > 0) {
                    throw new IllegalStateException("the backend " + backendFile(memberDir) + " holds entries up to "
                            + store.applied().index() + " but there is no WAL in " + walDir(memberDir)
                            + ": refusing to start on state whose log is lost");
                }
                recovered = bootstrap(wal, founders);
            } else {
                store = catchUpBackend(store, recovered, snapshotter, memberDir, options.store());
            }
            MemoryStorage raftLog = new MemoryStorage();
            if (recovered.snapshot().index() > 0) {
                raftLog.applySnapshot(new Snapshot(new byte[0], recovered.snapshot()));
            }
            raftLog.append(recovered.entries());
            raftLog.setHardState(recovered.hardState());
            log.info("opened member state wal_last_index={} commit={} snapshot_index={} consistent_index={} "
                    + "revision={}", recovered.lastIndex(), recovered.hardState().commit(),
                    recovered.snapshot().index(), store.applied().index(), store.currentRevision());
            return new MemberStorage(memberDir, wal, snapshotter, store, raftLog, metrics);
        } catch (IOException | RuntimeException e) {
            if (store != null) {
                store.close();
            }
            wal.close();
            throw e;
        }
    }

    public MvccStore store() {
        return store;
    }

    /** The Raft log as the core reads it. */
    public MemoryStorage raftLog() {
        return raftLog;
    }

    /** The index the Raft log begins after: committed entries after it are re-delivered on start. */
    public long snapshotIndex() {
        return raftLog.snapshot().index();
    }

    /**
     * Persists what a Ready asks for — entries, then the hard state — with one fsync when it must be durable, and
     * only then hands the entries to the Raft log. The caller sends messages only after this returns.
     */
    public void persist(Ready ready) throws IOException {
        SnapshotMetadata received = ready.hasSnapshot() ? ready.snapshot().metadata() : null;
        if (received != null) {
            // The transport hands Raft a snapshot message only once its file is in place; the marker must never
            // name a snapshot a restart could not find.
            if (snapshotter.fileOf(received).isEmpty()) {
                throw new IllegalStateException("snapshot index=" + received.index() + " term=" + received.term()
                        + " was received but its file is not in " + snapDir(memberDir));
            }
            wal.saveSnapshotMarker(received);
        }
        wal.append(ready.hardState(), ready.entries());
        if (ready.mustSync() || received != null) {
            long lastIndex = ready.entries().isEmpty() ? raftLog.lastIndex()
                    : ready.entries().get(ready.entries().size() - 1).index();
            SyncListener listener = syncListener;
            listener.beforeSync(lastIndex);
            long started = System.nanoTime();
            wal.sync();
            metrics.walFsynced(System.nanoTime() - started);
            listener.afterSync(lastIndex);
        }
        if (received != null) {
            raftLog.applySnapshot(new Snapshot(new byte[0], received));
        }
        raftLog.append(ready.entries());
        if (ready.hardState() != null) {
            raftLog.setHardState(ready.hardState());
        }
    }

    /**
     * Replaces the backend with the image of the received snapshot {@code metadata} (persisted by {@link #persist}
     * first, so a crash during this restores it again on restart).
     */
    public void installSnapshot(SnapshotMetadata metadata) throws IOException {
        Path file = snapshotter.fileOf(metadata).orElseThrow(() -> new IllegalStateException("snapshot index="
                + metadata.index() + " is not in " + snapDir(memberDir)));
        SnapshotFile snapshot = snapshotter.loadNewest().newest()
                .filter(newest -> newest.path().equals(file))
                .orElseThrow(() -> new IllegalStateException("received snapshot " + file + " is not the newest "
                        + "valid snapshot in " + snapDir(memberDir)));
        try (InputStream image = snapshot.openImage()) {
            store.restore(image);
        }
        log.info("installed snapshot index={} term={} revision={}", metadata.index(), metadata.term(),
                store.currentRevision());
    }

    /** The file of snapshot {@code metadata}, to send to a peer; empty when it was released meanwhile. */
    public java.util.Optional<Path> snapshotFile(SnapshotMetadata metadata) {
        return snapshotter.fileOf(metadata);
    }

    /** Starts receiving a snapshot file from the leader (see {@link Snapshotter#receive}). */
    public Snapshotter.Incoming receiveSnapshot(SnapshotMetadata metadata) throws IOException {
        return snapshotter.receive(metadata);
    }

    /**
     * Writes the snapshot file: the slow part, run off the node loop (one snapshot writer thread). The image copies
     * the changes the previous snapshot written here holds, when the store still holds them unchanged (see
     * {@link StoreImage#writeTo(java.io.OutputStream, EarlierChanges)}); if those bytes no longer match their
     * checksum, the image is written again from the backend alone.
     */
    public SavedSnapshot saveSnapshot(SnapshotMetadata metadata, StoreImage image) throws IOException {
        long started = System.nanoTime();
        StoreImage.Written[] written = new StoreImage.Written[1];
        SnapshotFile file;
        try {
            EarlierChanges earlier = earlierChanges();
            file = snapshotter.save(metadata, out -> written[0] = image.writeTo(out, earlier));
        } catch (EarlierChangesMismatchException e) {
            log.warn("the previous snapshot file={} changed since it was written; writing snapshot index={} from "
                    + "the backend alone error={}", lastWritten.file().path(), metadata.index(), e.getMessage());
            lastWritten = null;
            file = snapshotter.save(metadata, out -> written[0] = image.writeTo(out, null));
        }
        lastWritten = new SavedSnapshot(file, written[0].changes(), written[0].copiedBytes());
        long took = System.nanoTime() - started;
        metrics.snapshotSaved(took);
        log.info("snapshot written index={} image_bytes={} copied_bytes={} took_ms={}", metadata.index(),
                file.imageLength(), written[0].copiedBytes(), java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(took));
        return lastWritten;
    }

    /**
     * A snapshot file written: where its image keeps the changes (for the next snapshot to copy), and how many bytes of
     * them were copied from the previous one.
     */
    public record SavedSnapshot(SnapshotFile file, ChangesSection changes, long copiedBytes) {
    }

    /** The changes of the last snapshot written here, while its file is still there; null otherwise. */
    private EarlierChanges earlierChanges() {
        SavedSnapshot last = lastWritten;
        if (last == null || !Files.exists(last.file().path())) {
            return null;
        }
        return new EarlierChanges(last.changes(), () -> last.file().openImageFrom(last.changes().offset()));
    }

    /**
     * Records a saved snapshot: the marker goes to the WAL (synced), the Raft log drops entries older than
     * {@code keepEntries} before it (kept for followers that lag a little) and WAL segments wholly below it are
     * released. Runs on the node loop; old snapshot files are released afterwards, off it
     * ({@link #releaseOldSnapshots}).
     */
    public void snapshotSaved(SnapshotMetadata metadata, long keepEntries) throws IOException {
        wal.saveSnapshotMarker(metadata);
        wal.sync();
        raftLog.createSnapshot(metadata.index(), metadata.confState(), new byte[0]);
        long compactTo = compactionPoint(raftLog, metadata.index(), keepEntries, CATCH_UP_BYTES);
        if (compactTo > raftLog.firstIndex()) {
            raftLog.compact(compactTo);
        }
        wal.releaseBefore(metadata.index());
        log.info("snapshot saved index={} term={} wal_segments={}", metadata.index(), metadata.term(),
                wal.segmentFiles().size());
    }

    /**
     * Deletes snapshot files beyond the newest {@code keepSnapshots} valid ones, once the WAL records a newer
     * snapshot. May read files this process has not checked yet (after a restart), so it runs on the snapshot writer,
     * not the node loop.
     */
    public void releaseOldSnapshots(int keepSnapshots) throws IOException {
        List<Path> deleted = snapshotter.retain(keepSnapshots);
        if (!deleted.isEmpty()) {
            log.info("released snapshots files={}", deleted.size());
        }
    }

    /**
     * Where to compact the in-memory Raft log after a snapshot at {@code snapshotIndex}: the last {@code keepEntries}
     * entries stay, so a follower that lags a little catches up from the log rather than by a snapshot (etcd keeps
     * 5000), but only as many of them as fit in {@code keepBytes} — with megabyte entries 5000 would be gigabytes,
     * all of it on the heap.
     */
    static long compactionPoint(MemoryStorage log, long snapshotIndex, long keepEntries, long keepBytes) {
        long from = Math.max(log.firstIndex(), snapshotIndex - keepEntries + 1);
        if (from > snapshotIndex) {
            return snapshotIndex;
        }
        List<Entry> kept = log.entries(from, snapshotIndex + 1, Long.MAX_VALUE);
        long bytes = 0;
        for (int i = kept.size() - 1; i >= 0; i--) {
            bytes += kept.get(i).payloadSize();
            if (bytes > keepBytes) {
                return kept.get(i).index();
            }
        }
        return from - 1;
    }

    /** The apply side wrote a batch of committed entries into the backend, in {@code nanos}. */
    void backendBatchWritten(long nanos) {
        metrics.backendBatchWritten(nanos);
    }

    public void setSyncListener(SyncListener listener) {
        this.syncListener = listener;
    }

    /**
     * For crash tests: loses what a power cut loses — WAL records not synced (partly, possibly torn) — and closes
     * the backend without making it durable, so the next open rebuilds it. The node loop must have stopped.
     */
    public void simulatePowerLoss(java.util.Random random) throws IOException {
        try {
            store.closeAsCrash();
        } finally {
            wal.simulatePowerLoss(random);
        }
    }

    /** Syncs the WAL, commits and closes the backend, and marks it closed cleanly (trusted at the next open). */
    @Override
    public void close() throws IOException {
        try {
            store.close();
            markClosedCleanly(memberDir);
        } finally {
            wal.close();
        }
    }

    /**
     * Vouches for the backend in {@code memberDir}, closed durably just before: the marker names the layout of the
     * file, and is itself durable before this returns.
     */
    static void markClosedCleanly(Path memberDir) throws IOException {
        Path marker = cleanMarker(memberDir);
        Files.writeString(marker, MvccStore.backendLayout());
        try (FileChannel channel = FileChannel.open(marker, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        Directories.sync(memberDir);
    }

    /**
     * After a crash the backend is rebuilt from the newest snapshot and the WAL rather than trusted: it is written in
     * place through a memory mapping, with no log, so a crash can leave any mix of old and new pages (and when Cairn
     * still used MapDB 3.1's transaction log, its crash recovery was seen by KillNineSoakIT to lose committed changes
     * or leave files that could not be opened). The WAL and snapshot files are Cairn's own, checksummed and tested
     * under kill -9. The marker of a clean stop names the layout of the file it vouches for: a file an older Cairn
     * wrote (with a transaction log, or keys in an older form) is rebuilt in the current layout the same way.
     */
    private static void discardBackendAfterUncleanStop(Path memberDir) throws IOException {
        Path backend = backendFile(memberDir);
        if (!Files.exists(backend)) {
            return;
        }
        Path marker = cleanMarker(memberDir);
        if (!Files.exists(marker)) {
            log.warn("backend file={} was not closed cleanly: rebuilding it from the newest snapshot and the WAL",
                    backend);
            MvccStore.delete(backend);
        } else if (!MvccStore.backendLayout().equals(new String(Files.readAllBytes(marker), UTF_8).strip())) {
            log.warn("backend file={} has an older layout: rebuilding it from the newest snapshot and the WAL",
                    backend);
            MvccStore.delete(backend);
        }
    }

    private static Recovered bootstrap(Wal wal, Collection<MemberRecord> founders) throws IOException {
        if (founders.isEmpty()) {
            return new Recovered(HardState.EMPTY, SnapshotMetadata.EMPTY, List.of());
        }
        Map<Long, MemberRecord> byId = founders.stream()
                .collect(java.util.stream.Collectors.toMap(MemberRecord::getId, founder -> founder));
        List<Entry> entries = Bootstrap.entries(byId.keySet(), id -> MembershipChange.newBuilder()
                .setMember(byId.get(id)).build().toByteArray());
        HardState hardState = Bootstrap.hardState(entries);
        wal.append(hardState, entries);
        wal.sync();
        return new Recovered(hardState, SnapshotMetadata.EMPTY, entries);
    }

    private static MvccStore catchUpBackend(MvccStore store, Recovered recovered, Snapshotter snapshotter,
            Path memberDir, StoreOptions options) throws IOException {
        long consistentIndex = store.applied().index();
        long lastIndex = recovered.lastIndex();
        if (consistentIndex > lastIndex) {
            throw new IllegalStateException("the backend holds entries up to " + consistentIndex + " but the WAL in "
                    + walDir(memberDir) + " ends at " + lastIndex + ": the log lost entries; refusing to start "
                    + "(restore this member from a snapshot or replace it)");
        }
        long marker = recovered.snapshot().index();
        if (consistentIndex >= marker) {
            return store;
        }
        LoadResult loaded = snapshotter.loadNewest();
        loaded.rejected().forEach(r -> log.warn("skipping damaged snapshot file={} reason={}", r.file(), r.reason()));
        SnapshotFile snapshot = loaded.newest().filter(s -> s.metadata().index() >= marker
                && s.metadata().index() <= lastIndex).orElseThrow(() -> new IllegalStateException(
                        "the backend holds entries up to " + consistentIndex + ", older than the WAL's snapshot at "
                                + marker + ", and no valid snapshot file in " + snapDir(memberDir)
                                + " covers the entries in between: refusing to start"));
        log.warn("backend consistent_index={} is older than the WAL snapshot index={}: restoring it from {}",
                consistentIndex, marker, snapshot.path());
        store.close();
        try (InputStream image = snapshot.openImage()) {
            StoreImage.restore(image, backendFile(memberDir));
        }
        return MvccStore.open(backendFile(memberDir), options);
    }
}
