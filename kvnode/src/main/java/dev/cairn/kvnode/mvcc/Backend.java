package dev.cairn.kvnode.mvcc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.function.BiConsumer;
import org.mapdb.BTreeMap;
import org.mapdb.DB;
import org.mapdb.DBMaker;
import org.mapdb.Serializer;

/**
 * The durable half of the MVCC store, on MapDB: every retained change to every key under its revision, and a meta
 * map (current revision, consistent index and term, compaction progress).
 *
 * <p>The file is memory-mapped and written in place, without MapDB's transaction log, as etcd's bbolt file is
 * mapped: a B-tree step is a memory access, not a read or write system call. With the transaction log every put
 * read and wrote tree nodes through the log file, and the apply side spent most of its time in those calls (measured
 * with perf on a 3-member cluster under 64 writers: 1,408 puts/s with the log, 3,359 without — see
 * docs/benchmarks.md).
 *
 * <p>Without the log, a crash can leave the file torn, so the file is trusted only after {@link #closeDurably}: the
 * member rebuilds an uncleanly closed backend from its newest snapshot and the WAL (see MemberStorage), which is
 * what makes an acknowledged write durable in the first place. Its consistent index says which entries it holds.
 */
final class Backend implements AutoCloseable {
    /** The B-tree of changes by revision (named anew when its key layout changed: see {@link RevisionSerializer}). */
    private static final String CHANGES = "revisions";
    /**
     * The layout of the file this class writes, for the member's clean-stop marker: a file of another layout is
     * rebuilt rather than read. 2: changes keyed by {@link RevisionSerializer}, no transaction log.
     */
    static final String LAYOUT = "cairn-backend-layout 2";
    static final String CURRENT_REVISION = "currentRevision";
    static final String CONSISTENT_INDEX = "consistentIndex";
    static final String CONSISTENT_TERM = "consistentTerm";
    static final String SCHEDULED_COMPACT = "scheduledCompactRevision";
    static final String FINISHED_COMPACT = "finishedCompactRevision";

    private static final long SIZE_READ_INTERVAL_NANOS = 10_000_000;

    private final Path file;
    private final DB db;
    /** The file's size when last read, and when (0: never); races between readers only re-read it. */
    private volatile long size;
    private volatile long sizeReadAt;
    private final BTreeMap<Revision, byte[]> changes;
    private final BTreeMap<String, Long> meta;
    private final java.util.Map<Bucket, BTreeMap<byte[], byte[]>> buckets = new java.util.EnumMap<>(Bucket.class);

    /**
     * Values live outside the B-tree nodes: changes are appended at the right edge of the tree, and with values inline
     * every put rewrote a whole leaf full of values (measured: 6.2k → 10.3k puts/s at 64 writers).
     */
    private Backend(Path file, DB db) {
        this(file, db, changesMap(db).createOrOpen());
    }

    private static DB.TreeMapMaker<Revision, byte[]> changesMap(DB db) {
        return db.treeMap(CHANGES).keySerializer(RevisionSerializer.INSTANCE).valueSerializer(Serializer.BYTE_ARRAY)
                .valuesOutsideNodesEnable();
    }

    private Backend(Path file, DB db, BTreeMap<Revision, byte[]> changes) {
        this.file = file;
        this.db = db;
        this.changes = changes;
        this.meta = db.treeMap("meta", Serializer.STRING, Serializer.LONG).createOrOpen();
        for (Bucket bucket : Bucket.values()) {
            buckets.put(bucket, db.treeMap("bucket." + bucket.storedName(), Serializer.BYTE_ARRAY,
                    Serializer.BYTE_ARRAY).createOrOpen());
        }
    }

    /**
     * Creates a new backend file from changes in revision order, built bottom-up by MapDB's bulk loader rather than
     * put by put (a million changes in seconds, not minutes), and without MapDB's transaction log: the file is only
     * used once {@link #closeDurably} has flushed and fsynced it, and a crash before that leaves a file nobody opens.
     */
    static Backend bulkLoad(Path file, Iterator<Map.Entry<Revision, byte[]>> changesInOrder) throws IOException {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            DB db = DBMaker.fileDB(file.toFile()).fileChannelEnable().make();
            DB.TreeMapSink<Revision, byte[]> sink = changesMap(db).createFromSink();
            while (changesInOrder.hasNext()) {
                Map.Entry<Revision, byte[]> change = changesInOrder.next();
                sink.put(change.getKey(), change.getValue());
            }
            return new Backend(file, db, sink.create());
        } catch (java.io.UncheckedIOException e) {
            throw e; // the image could not be read: the caller says so
        } catch (RuntimeException e) {
            throw new BackendException("cannot bulk-load backend file=" + file + ": " + e, e);
        }
    }

    /**
     * Closes the file and makes everything written to it durable (fsync reaches the pages written through the
     * mapping too): after this the file can be trusted as it is.
     */
    void closeDurably() throws IOException {
        db.close();
        try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(file,
                java.nio.file.StandardOpenOption.WRITE)) {
            channel.force(true);
        }
    }

    static Backend open(Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            // A defragmentation cut short by a crash leaves its half-built file; the backend itself is untouched.
            deleteFiles(defragmentTarget(file));
            // Unmapped on close (cleaner hack), so a defragmented or restored file does not stay mapped beside its
            // replacement; new 1 MiB slices are not zeroed first, MapDB writes every byte it later reads.
            DB db = DBMaker.fileDB(file.toFile()).fileMmapEnableIfSupported().fileMmapPreclearDisable()
                    .cleanerHackEnable().make();
            return new Backend(file, db);
        } catch (IOException | RuntimeException e) {
            throw new BackendException("cannot open backend file=" + file + ": " + e, e);
        }
    }

    /**
     * Deletes the backend file, and the transaction log files ({@code <file>.wal.<n>}) that MapDB kept beside it
     * while Cairn used one (such a file is never trusted: its clean-stop marker names an older layout).
     */
    static void deleteFiles(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        try (java.util.stream.Stream<Path> files = Files.list(dir)) {
            for (Path candidate : files.toList()) {
                if (candidate.getFileName().equals(file.getFileName()) || isLegacyLog(file, candidate)) {
                    Files.delete(candidate);
                }
            }
        }
    }

    private static boolean isLegacyLog(Path file, Path candidate) {
        return candidate.getFileName().toString().startsWith(file.getFileName() + ".wal.");
    }

    /** Where a defragmentation builds the new file before it replaces {@code file}. */
    static Path defragmentTarget(Path file) {
        return file.resolveSibling(file.getFileName() + ".defrag");
    }

    Path file() {
        return file;
    }

    /** Stores a new change; a revision is never written twice (and the put need not read what was there). */
    void put(Revision revision, byte[] record) {
        // MapDB answers whether a value was already there.
        if (changes.putIfAbsentBoolean(revision, record)) {
            throw new BackendException("revision " + revision + " is already stored in " + file, null);
        }
    }

    byte[] get(Revision revision) {
        return changes.get(revision);
    }

    /** Removes a change; returns its size in bytes, 0 when there was none. */
    int remove(Revision revision) {
        byte[] removed = changes.remove(revision);
        return removed == null ? 0 : removed.length;
    }

    /** Every stored change in revision order, read lazily: what the bulk loader rebuilds a file from. */
    Iterator<Map.Entry<Revision, byte[]>> changesInOrder() {
        return changes.entrySet().iterator();
    }

    /** Copies the meta values and every bucket into {@code target}: all of this file that is not a change. */
    void copyMetaAndBucketsTo(Backend target) {
        target.meta.putAll(meta);
        for (Bucket bucket : Bucket.values()) {
            target.bucket(bucket).putAll(bucket(bucket));
        }
    }

    BTreeMap<byte[], byte[]> bucket(Bucket bucket) {
        return buckets.get(bucket);
    }

    long meta(String name) {
        Long value = meta.get(name);
        return value == null ? 0 : value;
    }

    void setMeta(String name, long value) {
        meta.put(name, value);
    }

    /** Visits every stored change in revision order. */
    void forEach(BiConsumer<Revision, byte[]> visitor) {
        forEachUpTo(Long.MAX_VALUE, visitor);
    }

    /** Visits, in revision order, the stored changes whose main revision is at most {@code main}. */
    void forEachUpTo(long main, BiConsumer<Revision, byte[]> visitor) {
        Map<Revision, byte[]> upTo = main == Long.MAX_VALUE ? changes
                : changes.headMap(new Revision(main, Long.MAX_VALUE), true);
        upTo.forEach(visitor);
    }

    /** The stored changes whose main revision is in [{@code fromMain}, {@code toMain}], in revision order. */
    Iterable<Map.Entry<Revision, byte[]>> changesBetween(long fromMain, long toMain) {
        return changes.subMap(new Revision(fromMain, Long.MIN_VALUE), true, new Revision(toMain, Long.MAX_VALUE), true)
                .entrySet();
    }

    /**
     * Bytes the backend file occupies on disk: what the quota is checked against, as etcd checks it. Read from the
     * file system at most once per {@link #SIZE_READ_INTERVAL_NANOS}: every put checks the quota, on the event loop,
     * and a {@code stat} per put showed in its profile. etcd's own figure moves only when it commits, every 100 ms.
     */
    long sizeBytes() {
        long now = System.nanoTime();
        if (sizeReadAt == 0 || now - sizeReadAt > SIZE_READ_INTERVAL_NANOS) {
            try {
                size = Files.size(file);
            } catch (IOException e) {
                size = 0;
            }
            sizeReadAt = now == 0 ? 1 : now;
        }
        return size;
    }

    @Override
    public void close() {
        db.close();
    }
}
