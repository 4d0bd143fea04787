package dev.cairn.kvnode.mvcc;

import dev.cairn.kvnode.proto.mvccpb.KeyValue;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * A backup of the store as etcd's Snapshot RPC streams one and {@code etcdctl snapshot save} stores it: a body — a
 * {@link StoreImage}, zero-padded to a multiple of 512 bytes — followed by the SHA-256 of the body. etcd's body is its
 * bbolt file, whose size is a whole number of pages, and etcdctl refuses a download whose length is not a multiple of
 * 512 plus the 32-byte digest: hence the padding.
 *
 * <p>{@link #open} checks the digest over the whole file before anything is read from it, so a restore or a status
 * never starts from a damaged or truncated backup.
 */
public final class BackupFile {
    /** etcdctl's test for an appended digest: the rest of the file is a multiple of this. */
    public static final int ALIGNMENT = 512;
    public static final int DIGEST_BYTES = 32;
    private static final int BUFFER = 1 << 16;

    private final Path path;
    private final long size;

    private BackupFile(Path path, long size) {
        this.path = path;
        this.size = size;
    }

    /** A new SHA-256, which every JDK provides. */
    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /** Writes the body of a backup of {@code image} to {@code out} (not closed); returns the body's SHA-256. */
    public static byte[] writeBody(StoreImage image, OutputStream out) throws IOException {
        MessageDigest digest = sha256();
        CountingStream counted = new CountingStream(new DigestOutputStream(out, digest));
        // The image is written a few bytes at a time; digest and count whole buffers instead.
        java.io.BufferedOutputStream buffered = new java.io.BufferedOutputStream(counted, BUFFER);
        image.writeTo(buffered);
        buffered.flush();
        long padding = (ALIGNMENT - counted.count % ALIGNMENT) % ALIGNMENT;
        counted.write(new byte[(int) padding]);
        counted.flush();
        return digest.digest();
    }

    /** Whether a backup of {@code length} bytes can hold a padded body and a digest (etcdctl's own test). */
    public static boolean hasDigestLength(long length) {
        return length >= DIGEST_BYTES && length % ALIGNMENT == DIGEST_BYTES;
    }

    /**
     * Opens the backup in {@code path} once its SHA-256 matches its body.
     *
     * @throws BackupCorruptException when the length or the digest is wrong
     */
    public static BackupFile open(Path path) throws IOException {
        long size = Files.size(path);
        if (!hasDigestLength(size)) {
            throw new BackupCorruptException(path, "its size " + size + " is not a multiple of " + ALIGNMENT
                    + " plus a " + DIGEST_BYTES + "-byte SHA-256: it is truncated or not a snapshot");
        }
        MessageDigest digest = sha256();
        byte[] stored;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(path), BUFFER)) {
            byte[] buffer = new byte[BUFFER];
            for (long left = size - DIGEST_BYTES; left > 0; ) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                if (n < 0) {
                    throw new BackupCorruptException(path, "it shrank while being read");
                }
                digest.update(buffer, 0, n);
                left -= n;
            }
            stored = in.readNBytes(DIGEST_BYTES);
        }
        byte[] computed = digest.digest();
        if (!Arrays.equals(stored, computed)) {
            throw new BackupCorruptException(path, "its SHA-256 is " + HexFormat.of().formatHex(computed)
                    + " but the file records " + HexFormat.of().formatHex(stored));
        }
        return new BackupFile(path, size);
    }

    public Path path() {
        return path;
    }

    /** The SHA-256 the file ends with (checked by {@link #open}), in lower-case hex as {@code sha256sum} prints it. */
    public String digestHex() throws IOException {
        try (var channel = FileChannel.open(path)) {
            ByteBuffer digest = ByteBuffer.allocate(DIGEST_BYTES);
            while (digest.hasRemaining()) {
                if (channel.read(digest, size - DIGEST_BYTES + digest.position()) < 0) {
                    throw new BackupCorruptException(path, "it shrank while being read");
                }
            }
            return HexFormat.of().formatHex(digest.array());
        }
    }

    /** The store image the backup holds, for {@link StoreImage#restore}. The caller closes it. */
    public InputStream openImage() throws IOException {
        return new BufferedInputStream(Files.newInputStream(path), BUFFER);
    }

    /**
     * What {@code kvnode snapshot status} shows: the hash {@link MvccStore#hashAll()} gave for this state, the
     * revision, the number of records (changes and bucket entries) and the file's size.
     */
    public Summary summarize() throws IOException {
        KeyIndex index = new KeyIndex();
        long[] records = {0};
        StoreImage.Header header;
        try (DataInputStream in = new DataInputStream(openImage())) {
            header = StoreImage.Header.read(in);
            StoreImage.ChangeReader changes = new StoreImage.ChangeReader(in);
            while (changes.hasNext()) {
                var change = changes.next();
                KeyValue kv = ChangeCodec.decode(change.getValue());
                index.restore(kv.getKey(), change.getKey(), ChangeCodec.isTombstone(change.getValue()),
                        kv.getCreateRevision(), kv.getVersion());
                records[0]++;
            }
            StoreImage.readBuckets(in, (bucket, key, value) -> records[0]++);
        } catch (EOFException | UncheckedIOException e) {
            throw new BackupCorruptException(path, "its store image ends early");
        }
        // A second pass: which changes below the compacted revision count is only known once every key is indexed.
        KvHasher hasher = new KvHasher(header.revision(), header.compactRevision(),
                KvHasher.counted(index, header.revision(), header.compactRevision()));
        try (DataInputStream in = new DataInputStream(openImage())) {
            StoreImage.Header.read(in);
            StoreImage.ChangeReader changes = new StoreImage.ChangeReader(in);
            while (changes.hasNext()) {
                var change = changes.next();
                hasher.addChange(change.getKey(), change.getValue());
            }
            StoreImage.readBuckets(in, hasher::addBucketEntry);
        }
        return new Summary(hasher.hash(), header.revision(), records[0], size);
    }

    /** A backup's vital numbers, as etcdctl's {@code snapshot status} names them. */
    public record Summary(int hash, long revision, long totalKeys, long totalSize) {
    }

    /** Counts what passes through, to know how much padding the body needs. */
    private static final class CountingStream extends java.io.FilterOutputStream {
        private long count;

        CountingStream(OutputStream out) {
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
    }
}
