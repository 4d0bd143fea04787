package dev.cairn.kvnode.mvcc;

/**
 * Where a written store image keeps its changes, and what they were: every retained change with a main revision up
 * to {@code revision}, {@code length} bytes from byte {@code offset} of the image, with CRC-32C {@code crc32c}. The
 * store's generation and count of compacted deletions when they were written say whether the backend still holds
 * exactly those changes: a later image of the same store may then copy these bytes instead of reading them from the
 * backend again (see {@link StoreImage#writeTo(java.io.OutputStream, EarlierChanges)}).
 */
public record ChangesSection(long offset, long length, int crc32c, long revision, long generation,
        long compactedDeletions) {

    /** Whether the store, whose state is {@code generation} and {@code compactedDeletions}, still holds these. */
    boolean stillHeldBy(long generation, long compactedDeletions) {
        return this.generation == generation && this.compactedDeletions == compactedDeletions;
    }
}
