package dev.cairn.kvnode.mvcc;

import dev.cairn.kvnode.proto.mvccpb.KeyValue;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.zip.CRC32C;

/**
 * The checksum etcd's HashKV computes, byte for byte, so that a kvnode and an etcd that applied the same requests
 * report the same hash: a CRC-32C of the key bucket's name, then of each retained change up to a revision, in
 * revision order, as etcd stores it — its 17-byte revision key (main, '_', sub; a tombstone adds 't') and its
 * KeyValue (for a tombstone, only the key). Of the changes at or below the compacted revision, only those a
 * compaction at the hashed revision would keep count (etcd's rule), so the hash does not depend on how far a
 * background compaction has got. The whole-store hash goes on with the buckets, which etcd hashes too.
 */
final class KvHasher {
    private static final byte[] KEY_BUCKET = "key".getBytes(StandardCharsets.US_ASCII);

    private final CRC32C crc = new CRC32C();
    private final long revision;
    private final long compactRevision;
    private final Set<Revision> kept;
    private final ByteBuffer revisionKey = ByteBuffer.allocate(18);

    /**
     * The revisions at or below the compacted revision that count: those a compaction at {@code revision} would keep.
     * When it would keep none, etcd skips nothing below the compacted revision, so it hashes what its compaction left
     * in the file — once that compaction has finished, what a compaction at {@code compactRevision} keeps.
     */
    static Set<Revision> counted(KeyIndex index, long revision, long compactRevision) {
        Set<Revision> kept = index.keep(revision);
        return kept.isEmpty() ? index.keep(compactRevision) : kept;
    }

    /**
     * @param revision the newest main revision hashed
     * @param kept the revisions at or below {@code compactRevision} that count (see {@link #counted})
     */
    KvHasher(long revision, long compactRevision, Set<Revision> kept) {
        this.revision = revision;
        this.compactRevision = compactRevision;
        this.kept = kept;
        crc.update(KEY_BUCKET);
    }

    /** Adds one stored change (a {@link ChangeCodec} record); changes the hash leaves out are skipped here. */
    void addChange(Revision rev, byte[] record) {
        if (rev.main() > revision || (rev.main() <= compactRevision && !kept.contains(rev))) {
            return;
        }
        boolean tombstone = ChangeCodec.isTombstone(record);
        revisionKey.clear();
        revisionKey.putLong(rev.main()).put((byte) '_').putLong(rev.sub());
        if (tombstone) {
            revisionKey.put((byte) 't');
        }
        crc.update(revisionKey.array(), 0, revisionKey.position());
        if (tombstone) {
            // etcd stores a deletion as a KeyValue holding the key alone.
            crc.update(KeyValue.newBuilder().setKey(ChangeCodec.decode(record).getKey()).build().toByteArray());
        } else {
            crc.update(record, 1, record.length - 1);
        }
    }

    /** Adds one entry of a bucket; callers add buckets after the changes, each in key order. */
    void addBucketEntry(Bucket bucket, byte[] key, byte[] value) {
        crc.update(bucket.storedName().getBytes(StandardCharsets.US_ASCII));
        crc.update(key);
        crc.update(value);
    }

    int hash() {
        return (int) crc.getValue();
    }
}
