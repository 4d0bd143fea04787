package dev.cairn.kvnode.snap;

import dev.cairn.kvnode.disk.Directories;
import dev.cairn.kvnode.disk.PacedWriteback;
import dev.cairn.kvnode.raft.pb.SnapshotMetadata;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.CRC32C;
import java.util.zip.CheckedOutputStream;

/**
 * Saves and loads snapshot files in one directory, one file per snapshot, named {@code <term>-<index>.snap} in hex.
 * A snapshot is written under a temporary name, fsynced, renamed into place and the directory fsynced, so a crash
 * leaves either no snapshot or a complete one; a leftover temporary file is only ever an abandoned save. The image
 * is forced to disk every few megabytes while it is written ({@link PacedWriteback}), not all at the end.
 *
 * <p>{@link #loadNewest} (a start, an installed snapshot) always reads the file through to check it. {@link #retain}
 * (after every save) reads only files this process has not known whole yet: ones it wrote, received and checked, or
 * verified are trusted. Re-reading every kept snapshot at every save, as retention once did, read up to {@code keep}
 * whole images (gigabytes once the history is large) on each snapshot, on the node loop. What is given up: damage
 * done to a file after this process wrote or checked it is found when the file is next read through (sent to a
 * follower, loaded at the next start), not at retention. Safe for the snapshot writer and the node loop to call at
 * once.
 */
public final class Snapshotter {
    private final Path dir;
    /** Files known whole in this process: written here, received and checked, or verified. */
    private final Set<SnapshotName> verified = ConcurrentHashMap.newKeySet();

    public Snapshotter(Path dir) throws IOException {
        this.dir = dir;
        Files.createDirectories(dir);
    }

    public Path directory() {
        return dir;
    }

    /** Writes a backend image into a snapshot being saved; the stream must not be closed. */
    @FunctionalInterface
    public interface ImageWriter {
        void writeTo(OutputStream out) throws IOException;
    }

    /** Saves the snapshot {@code meta} with {@code backendImage} read to its end (not closed) as its image. */
    public SnapshotFile save(SnapshotMetadata meta, InputStream backendImage) throws IOException {
        return save(meta, backendImage::transferTo);
    }

    /**
     * Writes the snapshot {@code meta} with the image {@code image} writes streamed after the header, so an image of
     * any size passes through without being held in memory. Replaces a snapshot with the same term and index.
     *
     * @return the saved file
     */
    public SnapshotFile save(SnapshotMetadata meta, ImageWriter image) throws IOException {
        if (meta.index() <= 0) {
            throw new IllegalArgumentException("a snapshot must be at a positive index, not " + meta.index());
        }
        SnapshotName name = new SnapshotName(meta.term(), meta.index());
        Path temp = name.tempIn(dir);
        byte[] header = SnapshotFormat.encodeHeader(meta);
        CRC32C crc = new CRC32C();
        crc.update(header);
        long imageLength;
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            writeFully(channel, ByteBuffer.wrap(header));
            CountingOutputStream counted = new CountingOutputStream(new CheckedOutputStream(
                    new BufferedOutputStream(new PacedWriteback(channel, PacedWriteback.DEFAULT_BYTES_PER_SYNC),
                            SnapshotFile.CHUNK), crc));
            image.writeTo(counted);
            counted.flush();
            imageLength = counted.count();
            writeFully(channel, ByteBuffer.wrap(SnapshotFormat.trailer(imageLength, crc)));
            channel.force(true);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
        Path path = name.in(dir);
        Files.move(temp, path, StandardCopyOption.ATOMIC_MOVE);
        syncDirectory();
        verified.add(name);
        // Not read back: the bytes just written are what a fresh verify would see, and the image may be large.
        return new SnapshotFile(path, meta, header.length, imageLength);
    }

    /** The file of the snapshot {@code meta} in this directory, to send to a peer; empty when it is not here. */
    public Optional<Path> fileOf(SnapshotMetadata meta) {
        Path path = new SnapshotName(meta.term(), meta.index()).in(dir);
        return Files.exists(path) ? Optional.of(path) : Optional.empty();
    }

    /**
     * Starts receiving the file of snapshot {@code meta} from a peer, byte for byte as the peer's snapshotter wrote
     * it: the bytes go to a temporary file, and only a {@link Incoming#commit commit} that finds the whole file valid
     * (header matching {@code meta}, checksum) fsyncs and renames it into place.
     */
    public Incoming receive(SnapshotMetadata meta) throws IOException {
        SnapshotName name = new SnapshotName(meta.term(), meta.index());
        Path temp = name.tempIn(dir);
        return new Incoming(name, temp, Files.newOutputStream(temp, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE));
    }

    /** A snapshot file being received. */
    public final class Incoming {
        private final SnapshotName name;
        private final Path temp;
        private final OutputStream out;

        private Incoming(SnapshotName name, Path temp, OutputStream out) {
            this.name = name;
            this.temp = temp;
            this.out = out;
        }

        public OutputStream out() {
            return out;
        }

        /** Verifies the received file and puts it in place; a damaged file is deleted and reported. */
        public SnapshotFile commit() throws IOException {
            try {
                out.close();
                try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                    channel.force(true);
                }
                SnapshotFile checked = SnapshotFile.verify(temp, name);
                Path path = name.in(dir);
                Files.move(temp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                syncDirectory();
                verified.add(name);
                return new SnapshotFile(path, checked.metadata(), checked.headerSize(), checked.imageLength());
            } catch (IOException | RuntimeException e) {
                Files.deleteIfExists(temp);
                throw e;
            }
        }

        public void abort() throws IOException {
            try {
                out.close();
            } finally {
                Files.deleteIfExists(temp);
            }
        }
    }

    /**
     * The newest snapshot that passes verification, falling back past damaged ones, which are reported in the result
     * and left on disk. Deletes leftover temporary files first: they are saves that never completed.
     */
    public LoadResult loadNewest() throws IOException {
        deleteTempFiles();
        List<LoadResult.Rejected> rejected = new ArrayList<>();
        for (SnapshotName name : names()) {
            Path path = name.in(dir);
            try {
                SnapshotFile checked = SnapshotFile.verify(path, name);
                verified.add(name);
                return new LoadResult(Optional.of(checked), rejected);
            } catch (SnapshotCorruptException e) {
                rejected.add(new LoadResult.Rejected(path, e.getMessage()));
            }
        }
        return new LoadResult(Optional.empty(), rejected);
    }

    /** The snapshot files in the directory, newest first, by name only (not verified). */
    public List<Path> list() throws IOException {
        List<Path> paths = new ArrayList<>();
        for (SnapshotName name : names()) {
            paths.add(name.in(dir));
        }
        return paths;
    }

    /**
     * The snapshot {@code name}: read through and checked unless this process knows it whole already.
     *
     * @throws SnapshotCorruptException when it is checked and found damaged
     */
    private SnapshotFile open(SnapshotName name) throws IOException {
        Path path = name.in(dir);
        if (verified.contains(name)) {
            SnapshotFile known = SnapshotFile.readHeader(path, name);
            if (known != null) {
                return known;
            }
            verified.remove(name);
        }
        SnapshotFile checked = SnapshotFile.verify(path, name);
        verified.add(name);
        return checked;
    }

    /**
     * Keeps the newest {@code keep} valid snapshots and deletes every snapshot file older than the oldest kept one,
     * valid or not: with newer valid snapshots, older ones are never loaded. Damaged files newer than that are left,
     * so {@link #loadNewest} keeps reporting them. Deletes nothing when no snapshot is valid. Only files this process
     * does not know whole yet are read (see the class comment).
     *
     * @return the deleted files
     */
    public List<Path> retain(int keep) throws IOException {
        if (keep < 1) {
            throw new IllegalArgumentException("must keep at least the newest snapshot, not " + keep);
        }
        List<SnapshotName> names = names();
        int kept = 0;
        int cut = names.size();
        for (int i = 0; i < names.size() && kept < keep; i++) {
            try {
                open(names.get(i));
                kept++;
                cut = i + 1;
            } catch (SnapshotCorruptException e) {
                // Not counted as kept; it stays unless an older valid snapshot is kept after it.
            }
        }
        List<Path> deleted = new ArrayList<>();
        if (kept == 0) {
            return deleted;
        }
        for (SnapshotName name : names.subList(cut, names.size())) {
            Path path = name.in(dir);
            Files.deleteIfExists(path);
            verified.remove(name);
            deleted.add(path);
        }
        if (!deleted.isEmpty()) {
            syncDirectory();
        }
        return deleted;
    }

    private List<SnapshotName> names() throws IOException {
        List<SnapshotName> names = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                SnapshotName name = SnapshotName.parse(entry.getFileName().toString());
                if (name != null && Files.isRegularFile(entry)) {
                    names.add(name);
                }
            }
        }
        names.sort(Comparator.reverseOrder());
        return names;
    }

    private void deleteTempFiles() throws IOException {
        boolean any = false;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, "*" + SnapshotName.TEMP_SUFFIX)) {
            for (Path entry : entries) {
                Files.deleteIfExists(entry);
                any = true;
            }
        }
        if (any) {
            syncDirectory();
        }
    }

    /** A renamed or deleted file can revert after a crash unless its directory entry is synced too. */
    private void syncDirectory() throws IOException {
        Directories.sync(dir);
    }

    private static void writeFully(FileChannel channel, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            channel.write(buf);
        }
    }

    /** Counts the bytes of the image as they pass, for the trailer. */
    private static final class CountingOutputStream extends FilterOutputStream {
        private long count;

        CountingOutputStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }

        long count() {
            return count;
        }
    }
}
