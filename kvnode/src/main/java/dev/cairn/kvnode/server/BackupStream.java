package dev.cairn.kvnode.server;

import dev.cairn.kvnode.mvcc.BackupFile;
import dev.cairn.kvnode.mvcc.MvccStore;
import dev.cairn.kvnode.mvcc.StoreImage;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One backup on its way to a client (etcd's Snapshot RPC): the store's image at one applied entry, written to a spool
 * file at once, then read back in chunks and followed by the SHA-256 of everything before it ({@link BackupFile}).
 * The spool decouples the store from the client's pace: compaction and defragmentation wait only while the image is
 * written, not while a slow client downloads it, and the total size is known before the first chunk (etcd's
 * remaining_bytes).
 *
 * <p>The digest is computed while the image is written, from the bytes the store produced, so damage to the spool
 * file between writing and sending makes the client's check fail rather than go unnoticed.
 */
public final class BackupStream implements AutoCloseable {
    /** etcd's snapshotSendBufferSize. */
    static final int CHUNK_BYTES = 32 * 1024;
    private static final String SPOOL_PREFIX = "backup-";
    private static final String SPOOL_SUFFIX = ".spool";

    private final Path spool;
    private final InputStream body;
    private final long revision;
    private final long bodyBytes;
    private final byte[] digest;
    private long sent;
    private boolean digestSent;

    private BackupStream(Path spool, long revision, byte[] digest) throws IOException {
        this.spool = spool;
        this.revision = revision;
        this.digest = digest;
        this.bodyBytes = Files.size(spool);
        this.body = Files.newInputStream(spool);
    }

    /** Captures the store now and spools its image into {@code spoolDir}. */
    static BackupStream spool(MvccStore store, Path spoolDir) throws IOException {
        Files.createDirectories(spoolDir);
        StoreImage image = store.captureImage();
        Path spool = Files.createTempFile(spoolDir, SPOOL_PREFIX, SPOOL_SUFFIX);
        try {
            byte[] digest;
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(spool), CHUNK_BYTES)) {
                digest = BackupFile.writeBody(image, out);
            }
            return new BackupStream(spool, image.revision(), digest);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(spool);
            throw e;
        }
    }

    /** Deletes spool files a stopped process left behind (they are never read again). */
    static void deleteLeftovers(Path spoolDir) throws IOException {
        if (!Files.isDirectory(spoolDir)) {
            return;
        }
        try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(spoolDir,
                SPOOL_PREFIX + "*" + SPOOL_SUFFIX)) {
            for (Path leftover : leftovers) {
                Files.deleteIfExists(leftover);
            }
        }
    }

    /** The store revision the backup holds. */
    public long revision() {
        return revision;
    }

    /** Body bytes not yet handed out by {@link #next()} (the digest not counted, as etcd counts). */
    public long remainingBytes() {
        return bodyBytes - sent;
    }

    /** The next chunk of the body, then the digest alone, then null. */
    public byte[] next() throws IOException {
        if (sent < bodyBytes) {
            byte[] chunk = body.readNBytes((int) Math.min(CHUNK_BYTES, bodyBytes - sent));
            if (chunk.length == 0) {
                throw new IOException("backup spool " + spool + " ended at byte " + sent + " of " + bodyBytes);
            }
            sent += chunk.length;
            return chunk;
        }
        if (!digestSent) {
            digestSent = true;
            return digest.clone();
        }
        return null;
    }

    /** Closes and deletes the spool, whether or not everything was sent. */
    @Override
    public void close() throws IOException {
        try {
            body.close();
        } finally {
            Files.deleteIfExists(spool);
        }
    }
}
