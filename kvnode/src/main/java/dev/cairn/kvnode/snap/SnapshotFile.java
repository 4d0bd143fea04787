package dev.cairn.kvnode.snap;

import dev.cairn.kvnode.raft.pb.SnapshotMetadata;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;

/**
 * A snapshot file that passed verification: its raft metadata, and its backend image to stream. Verification reads
 * the whole file once (in chunks, never holding the image), so a damaged file is found before anyone starts applying
 * it; {@link #openImage()} checks the checksum again as the image is read, in case the file changed since.
 */
public final class SnapshotFile {
    static final int CHUNK = 64 * 1024;

    private final Path path;
    private final SnapshotMetadata metadata;
    private final int headerSize;
    private final long imageLength;

    SnapshotFile(Path path, SnapshotMetadata metadata, int headerSize, long imageLength) {
        this.path = path;
        this.metadata = metadata;
        this.headerSize = headerSize;
        this.imageLength = imageLength;
    }

    public Path path() {
        return path;
    }

    public SnapshotMetadata metadata() {
        return metadata;
    }

    int headerSize() {
        return headerSize;
    }

    public long imageLength() {
        return imageLength;
    }

    /**
     * Streams the backend image. Reading it to its end verifies the checksum again: the read that reaches the end
     * throws {@link SnapshotCorruptException} when the file no longer matches. A reader that stops early gets no
     * such check beyond the one made when this file was loaded.
     */
    public InputStream openImage() throws IOException {
        return VerifyingImageStream.open(path, headerSize, imageLength);
    }

    /**
     * Streams the image from byte {@code offset} of it on, <em>unchecked</em>: for a reader that checks what it reads
     * against a checksum of its own (the next snapshot copying this one's changes, see the store image). The caller
     * closes it.
     */
    public InputStream openImageFrom(long offset) throws IOException {
        if (offset < 0 || offset > imageLength) {
            throw new IllegalArgumentException("offset " + offset + " is outside the image of " + imageLength
                    + " bytes");
        }
        java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(path,
                java.nio.file.StandardOpenOption.READ);
        channel.position(headerSize + offset);
        return java.nio.channels.Channels.newInputStream(channel);
    }

    /**
     * The file at {@code path}, named {@code name}, from its header and size alone, for a file already known whole;
     * null when the header cannot be read or disagrees with the name (then {@link #verify} says what is wrong).
     * {@link #openImage()} still checks the checksum of what it streams.
     */
    static SnapshotFile readHeader(Path path, SnapshotName name) throws IOException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(path), 4096))) {
            long fileSize = Files.size(path);
            SnapshotMetadata meta = SnapshotFormat.readHeader(in, fileSize);
            int headerSize = SnapshotFormat.headerSize(meta);
            long imageLength = fileSize - headerSize - SnapshotFormat.TRAILER_SIZE;
            if (meta.index() != name.index() || meta.term() != name.term() || imageLength < 0) {
                return null;
            }
            return new SnapshotFile(path, meta, headerSize, imageLength);
        } catch (IllegalArgumentException | EOFException | java.nio.file.NoSuchFileException e) {
            return null;
        }
    }

    /**
     * Reads and checks the whole file at {@code path}, which is named {@code name}.
     *
     * @throws SnapshotCorruptException when it is damaged, truncated, or its header disagrees with its name
     */
    static SnapshotFile verify(Path path, SnapshotName name) throws IOException {
        long fileSize = Files.size(path);
        CRC32C crc = new CRC32C();
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(path), CHUNK)) {
            CheckedInputStream checked = new CheckedInputStream(raw, crc);
            SnapshotMetadata meta;
            try {
                meta = SnapshotFormat.readHeader(new DataInputStream(checked), fileSize);
            } catch (IllegalArgumentException e) {
                throw new SnapshotCorruptException(path, "bad header: " + e.getMessage());
            }
            if (meta.index() != name.index() || meta.term() != name.term()) {
                throw new SnapshotCorruptException(path, "header says term " + meta.term() + " index " + meta.index()
                        + " but the name says term " + name.term() + " index " + name.index());
            }
            int headerSize = SnapshotFormat.headerSize(meta);
            long imageLength = fileSize - headerSize - SnapshotFormat.TRAILER_SIZE;
            if (imageLength < 0) {
                throw new SnapshotCorruptException(path, "file too short for its trailer");
            }
            byte[] chunk = new byte[CHUNK];
            for (long left = imageLength; left > 0;) {
                int n = checked.read(chunk, 0, (int) Math.min(chunk.length, left));
                if (n < 0) {
                    throw new SnapshotCorruptException(path, "file shrank while being read");
                }
                left -= n;
            }
            byte[] trailer = raw.readNBytes(SnapshotFormat.TRAILER_SIZE);
            String problem = trailer.length < SnapshotFormat.TRAILER_SIZE ? "file shrank while being read"
                    : SnapshotFormat.checkTrailer(trailer, imageLength, crc);
            if (problem != null) {
                throw new SnapshotCorruptException(path, problem);
            }
            return new SnapshotFile(path, meta, headerSize, imageLength);
        } catch (EOFException e) {
            throw new SnapshotCorruptException(path, "file shrank while being read");
        }
    }

    @Override
    public String toString() {
        return path.getFileName() + " (term " + metadata.term() + ", index " + metadata.index() + ", image "
                + imageLength + " bytes)";
    }
}
