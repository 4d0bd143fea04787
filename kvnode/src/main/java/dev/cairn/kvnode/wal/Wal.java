package dev.cairn.kvnode.wal;

import dev.cairn.kvnode.disk.Directories;
import dev.cairn.kvnode.raft.pb.Entry;
import dev.cairn.kvnode.raft.pb.HardState;
import dev.cairn.kvnode.raft.pb.SnapshotMetadata;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The write-ahead log: the durable source of truth for a node's raft state. A directory of segment files, each
 * starting with a metadata record followed by the current snapshot marker and hard state (so the newest segment
 * alone always holds the state needed, and old segments can be released whole), then entries and state changes in
 * the order they were appended.
 *
 * <p>Appends are buffered and {@link #sync()} makes everything appended since the last sync durable with one fsync:
 * the node loop persists a whole Ready (snapshot marker, entries, hard state) and then syncs once.
 *
 * <p>Not thread-safe: the node loop is its only user.
 */
public final class Wal implements Closeable {
    /** Buffered bytes beyond this are written to the file early (not synced), to bound memory on large batches. */
    private static final int FLUSH_THRESHOLD = 1 << 20;
    private static final Logger log = LoggerFactory.getLogger("wal");

    private final Path dir;
    private final WalOptions options;
    private final Recovered recovered;
    /** Live segments in sequence order; the last is the one {@link #tail} writes. */
    private final List<SegmentName> segments;
    private SegmentWriter tail;
    /** The next segment file, filled in the background. */
    private final SegmentPreallocator spare;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

    /** The log's state as appended so far (synced or not), rewritten at the start of each new segment. */
    private HardState hardState;
    private SnapshotMetadata snapshot;
    /** The highest index the appended log reaches: the first index the next segment expects, minus one. */
    private long lastIndex;
    /** The newest snapshot marker known durable; releasing never goes past it. */
    private long syncedSnapshotIndex;
    private SyncedPosition synced;
    private boolean closed;

    /** How far the tail segment is known durable; tests cut files only past it when they simulate a crash. */
    record SyncedPosition(Path segment, long offset) {
    }

    private Wal(Path dir, WalOptions options, Recovered recovered, List<SegmentName> segments, SegmentWriter tail) {
        this.dir = dir;
        this.options = options;
        this.recovered = recovered;
        this.segments = segments;
        this.tail = tail;
        this.hardState = recovered.hardState();
        this.snapshot = recovered.snapshot();
        this.lastIndex = recovered.lastIndex();
        this.syncedSnapshotIndex = snapshot.index();
        this.synced = new SyncedPosition(tail.path(), tail.position());
        this.spare = new SegmentPreallocator(dir, options.segmentSize());
    }

    /**
     * Opens the log in {@code dir}, creating the directory and a first segment when there is none, and reads back
     * everything persisted (see {@link #recovered()}). A torn tail in the last segment is cut off.
     *
     * @throws WalCorruptException when the log holds damage a crash cannot explain
     */
    public static Wal open(Path dir, WalOptions options) throws IOException {
        Files.createDirectories(dir);
        deleteTemporaries(dir);
        List<SegmentName> names = listSegments(dir);
        if (names.isEmpty()) {
            SegmentName first = new SegmentName(0, 1);
            byte[] header = header(options, first, SnapshotMetadata.EMPTY, HardState.EMPTY);
            SegmentWriter tail = SegmentWriter.create(dir, first, options.segmentSize(), header);
            Recovered nothing = new Recovered(HardState.EMPTY, SnapshotMetadata.EMPTY, List.of());
            return new Wal(dir, options, nothing, new ArrayList<>(List.of(first)), tail);
        }
        LogReplay replay = new LogReplay();
        SegmentScanner.Result last = null;
        for (int i = 0; i < names.size(); i++) {
            SegmentName name = names.get(i);
            Path path = name.in(dir);
            if (i > 0 && name.sequence() != names.get(i - 1).sequence() + 1) {
                throw new WalCorruptException(path, 0, "segment " + (names.get(i - 1).sequence() + 1) + " is missing");
            }
            SegmentScanner.Result result = SegmentScanner.scan(path, i == names.size() - 1);
            checkMetadata(path, name, result, options);
            for (SegmentScanner.Positioned positioned : result.records()) {
                replay.apply(positioned.record(), path, positioned.offset());
            }
            last = result;
        }
        SegmentName tailName = names.get(names.size() - 1);
        SegmentWriter tail = SegmentWriter.reopen(tailName.in(dir), tailName, last.validEnd(), last.torn(),
                options.segmentSize());
        return new Wal(dir, options, replay.result(), new ArrayList<>(names), tail);
    }

    /** Who wrote an existing log: the member and cluster ids in its metadata. */
    public record Owner(long memberId, long clusterId) {
    }

    /**
     * The owner recorded in the first segment of the log in {@code dir}, or empty when there is no log yet. A member
     * restarting takes its identity from here, not from its bootstrap flags, as etcd does: the flags only matter for
     * a new member, and may have changed since (a new peer URL).
     *
     * @throws WalCorruptException when the first segment does not start with intact metadata
     */
    public static Optional<Owner> owner(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        List<SegmentName> names = listSegments(dir);
        if (names.isEmpty()) {
            return Optional.empty();
        }
        Path first = names.get(0).in(dir);
        byte[] head;
        try (java.io.InputStream in = Files.newInputStream(first)) {
            head = in.readNBytes(4096);
        }
        ByteBuffer bytes = ByteBuffer.wrap(head);
        RecordFrame.Frame frame = RecordFrame.parse(bytes, 0);
        if (frame == null || !(RecordCodec.decode(frame.type(), frame.payload(bytes))
                instanceof WalRecord.Metadata metadata)) {
            throw new WalCorruptException(first, 0, "segment does not start with a metadata record");
        }
        return Optional.of(new Owner(metadata.memberId(), metadata.clusterId()));
    }

    /** What the log held when it was opened. */
    public Recovered recovered() {
        return recovered;
    }

    /**
     * Buffers {@code entries} and then {@code hardState} (skipped when null or empty). Entries come first so a commit
     * index in the hard state never refers to entries that would be read after it. Not durable until {@link #sync()}.
     */
    public void append(HardState hardState, List<Entry> entries) throws IOException {
        checkOpen();
        for (Entry entry : entries) {
            add(new WalRecord.EntryRecord(entry));
            lastIndex = entry.index();
        }
        if (hardState != null && !hardState.isEmpty()) {
            add(new WalRecord.HardStateRecord(hardState));
            this.hardState = hardState;
        }
    }

    /** Buffers a snapshot marker; entries at or below its index are no longer returned on open once it is synced. */
    public void saveSnapshotMarker(SnapshotMetadata metadata) throws IOException {
        checkOpen();
        add(new WalRecord.SnapshotMarker(metadata));
        snapshot = metadata;
        lastIndex = Math.max(lastIndex, metadata.index());
    }

    /** Makes everything appended so far durable, with one fsync of the tail segment. */
    public void sync() throws IOException {
        checkOpen();
        flush();
        tail.force();
        markSynced();
    }

    /**
     * Deletes the segments whose live entries all lie at or below {@code snapshotIndex}, oldest first, then fsyncs the
     * directory. Never deletes the tail segment, and never goes past the newest durable snapshot marker: without it
     * the entries it covers would be needed on open.
     */
    public void releaseBefore(long snapshotIndex) throws IOException {
        checkOpen();
        long upTo = Math.min(snapshotIndex, syncedSnapshotIndex);
        int released = 0;
        // Segment k's live entries all lie below segment k+1's first index, so k can go once that is <= upTo + 1.
        while (released + 1 < segments.size() && segments.get(released + 1).firstIndex() <= upTo + 1) {
            Files.delete(segments.get(released).in(dir));
            released++;
        }
        if (released > 0) {
            segments.subList(0, released).clear();
            Directories.sync(dir);
        }
    }

    /** The live segment files, oldest first. */
    public List<Path> segmentFiles() {
        return segments.stream().map(name -> name.in(dir)).toList();
    }

    /** Syncs whatever is still buffered and closes the tail segment. */
    @Override
    public void close() throws IOException {
        if (!closed) {
            try {
                sync();
            } finally {
                closed = true;
                try {
                    tail.close();
                } finally {
                    spare.close();
                }
            }
        }
    }

    SyncedPosition syncedPosition() {
        return synced;
    }

    /**
     * For crash tests: stops the log as a power cut would. Appended records that were not synced may be partly on
     * disk — the tail segment is cut at a random point past what sync covered, possibly inside a record, sometimes
     * with zeros or garbage after the cut — and nothing sync covered is touched.
     */
    public void simulatePowerLoss(Random random) throws IOException {
        if (random.nextInt(4) != 0) {
            flush();
        }
        SyncedPosition at = synced;
        abandon();
        long length = Files.size(at.segment());
        long written = at.offset() + 1 + random.nextInt(4096);
        long cutAt = at.offset() + (long) (random.nextDouble() * (Math.min(length, written) - at.offset()));
        byte[] after = new byte[random.nextInt(3) == 0 ? random.nextInt(300) : 0];
        if (random.nextBoolean()) {
            random.nextBytes(after);
        }
        try (FileChannel channel = FileChannel.open(at.segment(), StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            channel.truncate(cutAt);
            ByteBuffer tail = ByteBuffer.wrap(after);
            while (tail.hasRemaining()) {
                channel.write(tail, cutAt + tail.position());
            }
        }
    }

    /** Writes the buffered records to the file without an fsync: a crash may keep any part of them. For tests. */
    void flushUnsynced() throws IOException {
        flush();
    }

    /** Drops the buffered records and closes, as a crash would; tests use it to simulate one. */
    void abandon() throws IOException {
        pending.reset();
        closed = true;
        try {
            tail.close();
        } finally {
            spare.close();
        }
    }

    private void add(WalRecord record) throws IOException {
        spare.start();
        byte[] frame = RecordFrame.encode(record);
        if (tail.remaining() - pending.size() < frame.length) {
            rollover(frame.length);
        }
        pending.write(frame);
        if (pending.size() >= FLUSH_THRESHOLD) {
            flush();
        }
    }

    /**
     * Starts the next segment. The current one is fsynced first, so every segment but the last is complete on disk
     * and a reader may treat any damage in it as corruption rather than a torn write.
     */
    private void rollover(int nextFrameLength) throws IOException {
        flush();
        tail.force();
        SegmentName next = new SegmentName(tail.name().sequence() + 1, lastIndex + 1);
        byte[] header = header(options, next, snapshot, hardState);
        long size = Math.max(options.segmentSize(), (long) header.length + nextFrameLength);
        SegmentWriter created = size == spare.size() ? fromSpare(next, header)
                : SegmentWriter.create(dir, next, size, header);
        tail.close();
        tail = created;
        segments.add(next);
        markSynced();
    }

    /** The next segment from the prepared file; made here, as before, when preparing it failed. */
    private SegmentWriter fromSpare(SegmentName next, byte[] header) throws IOException {
        Path prepared;
        try {
            prepared = spare.take();
        } catch (IOException e) {
            // Said here, or a failing disk would first show as a rollover that made the segment after all.
            log.warn("preparing WAL segment {} in the background failed; making it on the node loop error={}",
                    next.fileName(), e.toString());
            return SegmentWriter.create(dir, next, spare.size(), header);
        }
        return SegmentWriter.createFrom(prepared, dir, next, spare.size(), header);
    }

    private void flush() throws IOException {
        if (pending.size() > 0) {
            tail.write(ByteBuffer.wrap(pending.toByteArray()));
            pending.reset();
        }
    }

    private void markSynced() {
        syncedSnapshotIndex = snapshot.index();
        synced = new SyncedPosition(tail.path(), tail.position());
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the log in " + dir + " is closed");
        }
    }

    private static byte[] header(WalOptions options, SegmentName name, SnapshotMetadata snapshot, HardState state) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(RecordFrame.encode(new WalRecord.Metadata(options.memberId(), options.clusterId(),
                name.sequence(), name.firstIndex())));
        if (snapshot.index() > 0) {
            out.writeBytes(RecordFrame.encode(new WalRecord.SnapshotMarker(snapshot)));
        }
        if (!state.isEmpty()) {
            out.writeBytes(RecordFrame.encode(new WalRecord.HardStateRecord(state)));
        }
        return out.toByteArray();
    }

    /** The first record must be metadata agreeing with the file name and with who is opening the log. */
    private static void checkMetadata(Path path, SegmentName name, SegmentScanner.Result result, WalOptions options)
            throws WalCorruptException {
        if (result.records().isEmpty()
                || !(result.records().get(0).record() instanceof WalRecord.Metadata metadata)) {
            throw new WalCorruptException(path, 0, "segment does not start with a metadata record");
        }
        if (metadata.sequence() != name.sequence() || metadata.firstIndex() != name.firstIndex()) {
            throw new WalCorruptException(path, 0, "metadata " + metadata + " does not match the file name");
        }
        if (metadata.memberId() != options.memberId() || metadata.clusterId() != options.clusterId()) {
            throw new WalCorruptException(path, 0, "segment belongs to member " + metadata.memberId()
                    + " of cluster " + metadata.clusterId() + ", not member " + options.memberId()
                    + " of cluster " + options.clusterId());
        }
    }

    private static List<SegmentName> listSegments(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> SegmentName.parse(f.getFileName().toString()))
                    .filter(n -> n != null).sorted().toList();
        }
    }

    /** A temporary file is a segment whose creation a crash interrupted before its rename: it holds nothing. */
    private static void deleteTemporaries(Path dir) throws IOException {
        List<Path> temporaries;
        try (Stream<Path> files = Files.list(dir)) {
            temporaries = files.filter(f -> f.getFileName().toString().endsWith(SegmentName.TEMP_SUFFIX)).toList();
        }
        for (Path temp : temporaries) {
            Files.delete(temp);
        }
        if (!temporaries.isEmpty()) {
            Directories.sync(dir);
        }
    }
}
