package dev.cairn.kvnode.mvcc;

import dev.cairn.kvnode.disk.Directories;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The store's state at one applied entry, as a stream: the meta (revision, compaction, apply position) and every
 * retained change up to the revision, in revision order. Snapshots carry it, and a member whose backend is missing or
 * older than its log's snapshot is rebuilt from it.
 *
 * <p>Captured at a point in the apply sequence but written later, while writes go on: the changes it holds are all at
 * or below its revision, which later writes never touch, and physical compaction (the only other writer of old
 * changes) is held off while it is written.
 */
public final class StoreImage {
    private static final long MAGIC = 0x434149524e494d47L; // "CAIRNIMG"
    private static final int FORMAT = 2;
    private static final long END = -1;

    private final MvccStore store;
    private final long generation;
    private final long revision;
    private final long compactRevision;
    private final ApplyPosition applied;
    /** Copied at capture: unlike changes at or below the revision, bucket entries are changed in place. */
    private final java.util.Map<Bucket, java.util.SortedMap<com.google.protobuf.ByteString,
            com.google.protobuf.ByteString>> buckets;

    StoreImage(MvccStore store, long generation, long revision, long compactRevision, ApplyPosition applied,
            java.util.Map<Bucket, java.util.SortedMap<com.google.protobuf.ByteString,
                    com.google.protobuf.ByteString>> buckets) {
        this.store = store;
        this.generation = generation;
        this.revision = revision;
        this.compactRevision = compactRevision;
        this.applied = applied;
        this.buckets = buckets;
    }

    public long revision() {
        return revision;
    }

    public ApplyPosition applied() {
        return applied;
    }

    /** Streams the image to {@code out} (not closed), every change read from the backend. */
    public void writeTo(OutputStream out) throws IOException {
        writeTo(out, null);
    }

    /** What {@link #writeTo(OutputStream, EarlierChanges)} wrote: its changes section, and how much of it was copied. */
    public record Written(ChangesSection changes, long copiedBytes) {
    }

    /**
     * Streams the image to {@code out} (not closed). When {@code earlier} (may be null) is the changes section of an
     * image of this store that the store still holds unchanged — same generation, no compacted change deleted since —
     * its bytes are copied instead of read from the backend again, and only the changes after its revision come
     * from the backend: the bytes are the same either way (changes at or below a written revision never change, and
     * the section is written in revision order), but a copy costs a sequential read where the backend costs a B-tree
     * walk and a record per change. Every snapshot holds the whole retained history, so without this each snapshot
     * walked all of it again.
     *
     * @throws EarlierChangesMismatchException when the copied bytes do not match the earlier section's checksum;
     *     what was written to {@code out} then is not an image
     */
    public Written writeTo(OutputStream out, EarlierChanges earlier) throws IOException {
        SectionTracker tracker = new SectionTracker(out);
        // Buffered here: each field is a small write, and the layers below (checksum, count) pay per call.
        DataOutputStream data = new DataOutputStream(new java.io.BufferedOutputStream(tracker, 1 << 16));
        data.writeLong(MAGIC);
        data.writeInt(FORMAT);
        data.writeLong(revision);
        data.writeLong(compactRevision);
        data.writeLong(applied.index());
        data.writeLong(applied.term());
        ChangesSection changes;
        long copied = 0;
        store.compactionLock().lock();
        try {
            if (store.generation() != generation) {
                throw new IOException("the store was replaced by a snapshot after this image was captured");
            }
            long deletions = store.compactedDeletions();
            data.flush();
            tracker.startSection();
            if (earlier != null && earlier.section().revision() <= revision
                    && earlier.section().stillHeldBy(generation, deletions)) {
                copied = copyEarlier(earlier, data, tracker);
                // Entries that change no key (leases, members, compactions) leave the revision where it was.
                if (earlier.section().revision() < revision) {
                    for (var change : store.backend().changesBetween(earlier.section().revision() + 1, revision)) {
                        writeChange(data, change.getKey(), change.getValue());
                    }
                }
            } else {
                store.backend().forEachUpTo(revision, (rev, record) -> {
                    try {
                        writeChange(data, rev, record);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            }
            data.flush();
            changes = tracker.endSection(revision, generation, deletions);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        } finally {
            store.compactionLock().unlock();
        }
        data.writeLong(END);
        for (var bucket : buckets.entrySet()) {
            data.writeUTF(bucket.getKey().name());
            data.writeInt(bucket.getValue().size());
            for (var entry : bucket.getValue().entrySet()) {
                data.writeInt(entry.getKey().size());
                entry.getKey().writeTo(data);
                data.writeInt(entry.getValue().size());
                entry.getValue().writeTo(data);
            }
        }
        data.writeUTF("");
        data.flush();
        return new Written(changes, copied);
    }

    private static void writeChange(DataOutputStream data, Revision rev, byte[] record) throws IOException {
        data.writeLong(rev.main());
        data.writeLong(rev.sub());
        data.writeInt(record.length);
        data.write(record);
    }

    /** Copies the earlier section's bytes, checked against its checksum as they pass; returns how many. */
    private static long copyEarlier(EarlierChanges earlier, DataOutputStream data, SectionTracker tracker)
            throws IOException {
        long length = earlier.section().length();
        byte[] chunk = new byte[1 << 16];
        try (InputStream in = earlier.bytes().open()) {
            for (long left = length; left > 0;) {
                int n = in.read(chunk, 0, (int) Math.min(chunk.length, left));
                if (n < 0) {
                    throw new EarlierChangesMismatchException("the earlier image ends " + left + " bytes before the "
                            + "end of its changes");
                }
                data.write(chunk, 0, n);
                left -= n;
            }
        }
        data.flush();
        if (tracker.crc() != earlier.section().crc32c()) {
            throw new EarlierChangesMismatchException(String.format("the earlier image's changes no longer match "
                    + "their checksum: %08x, written as %08x", tracker.crc(), earlier.section().crc32c()));
        }
        return length;
    }

    /**
     * Counts every byte of the image and, between {@link #startSection} and {@link #endSection}, checksums them: the
     * changes section's place and CRC-32C, for the next image to copy it. Sits below the buffer, so it sees large
     * writes; the writer flushes at both ends of the section.
     */
    private static final class SectionTracker extends java.io.FilterOutputStream {
        private final java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        private long count;
        private long sectionStart = -1;

        SectionTracker(OutputStream out) {
            super(out);
        }

        void startSection() {
            sectionStart = count;
            crc.reset();
        }

        int crc() {
            return (int) crc.getValue();
        }

        ChangesSection endSection(long revision, long generation, long deletions) {
            ChangesSection section = new ChangesSection(sectionStart, count - sectionStart, crc(), revision,
                    generation, deletions);
            sectionStart = -1;
            return section;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
            if (sectionStart >= 0) {
                crc.update(b);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
            if (sectionStart >= 0) {
                crc.update(b, off, len);
            }
        }
    }

    /**
     * Replaces the backend file {@code file} with the state in {@code image}: written to a temporary file, made
     * durable, then renamed into place, so a crash leaves either the old file or the whole new one. Returns the apply
     * position the image holds.
     */
    public static ApplyPosition restore(InputStream image, Path file) throws IOException {
        Path temp = file.resolveSibling(file.getFileName() + ".restoring");
        Backend.deleteFiles(temp);
        DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(image, 1 << 16));
        ApplyPosition applied;
        try {
            Header header = Header.read(in);
            applied = header.applied();
            Backend backend = Backend.bulkLoad(temp, new ChangeReader(in));
            try {
                backend.setMeta(Backend.CURRENT_REVISION, header.revision());
                backend.setMeta(Backend.SCHEDULED_COMPACT, header.compactRevision());
                backend.setMeta(Backend.CONSISTENT_INDEX, applied.index());
                backend.setMeta(Backend.CONSISTENT_TERM, applied.term());
                readBuckets(in, (bucket, key, value) -> backend.bucket(bucket).put(key, value));
            } finally {
                backend.closeDurably();
            }
        } catch (EOFException e) {
            Backend.deleteFiles(temp);
            throw new IOException("store image ends early", e);
        } catch (java.io.UncheckedIOException e) {
            Backend.deleteFiles(temp);
            throw e.getCause() instanceof EOFException eof ? new IOException("store image ends early", eof)
                    : e.getCause();
        } catch (IOException | RuntimeException e) {
            Backend.deleteFiles(temp);
            throw e;
        }
        Backend.deleteFiles(file);
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Directories.sync(file.toAbsolutePath().getParent());
        return applied;
    }

    /** The fixed fields an image starts with. */
    record Header(long revision, long compactRevision, ApplyPosition applied) {
        static Header read(DataInputStream in) throws IOException {
            if (in.readLong() != MAGIC) {
                throw new IOException("not a Cairn store image");
            }
            int format = in.readInt();
            if (format != FORMAT) {
                throw new IOException("store image format " + format + " is not supported (this build reads "
                        + FORMAT + ")");
            }
            return new Header(in.readLong(), in.readLong(), new ApplyPosition(in.readLong(), in.readLong()));
        }
    }

    /** Receives the bucket entries of an image. */
    interface BucketEntryConsumer {
        void accept(Bucket bucket, byte[] key, byte[] value) throws IOException;
    }

    /** Reads the buckets section, which follows the changes, to its end marker. */
    static void readBuckets(DataInputStream in, BucketEntryConsumer consumer) throws IOException {
        for (String name = in.readUTF(); !name.isEmpty(); name = in.readUTF()) {
            Bucket bucket;
            try {
                bucket = Bucket.valueOf(name);
            } catch (IllegalArgumentException e) {
                throw new IOException("store image holds unknown bucket " + name);
            }
            for (int left = in.readInt(); left > 0; left--) {
                byte[] key = new byte[in.readInt()];
                in.readFully(key);
                byte[] value = new byte[in.readInt()];
                in.readFully(value);
                consumer.accept(bucket, key, value);
            }
        }
    }

    /** The changes section of an image, read lazily in revision order for the bulk loader. */
    static final class ChangeReader implements java.util.Iterator<java.util.Map.Entry<Revision, byte[]>> {
        private final DataInputStream in;
        private long nextMain;

        ChangeReader(DataInputStream in) throws IOException {
            this.in = in;
            this.nextMain = in.readLong();
        }

        @Override
        public boolean hasNext() {
            return nextMain != END;
        }

        @Override
        public java.util.Map.Entry<Revision, byte[]> next() {
            if (!hasNext()) {
                throw new java.util.NoSuchElementException();
            }
            try {
                long sub = in.readLong();
                byte[] record = new byte[in.readInt()];
                in.readFully(record);
                Revision revision = new Revision(nextMain, sub);
                nextMain = in.readLong();
                return java.util.Map.entry(revision, record);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }
}
