package dev.cairn.kvnode.snap;

import dev.cairn.kvnode.raft.pb.ConfState;
import dev.cairn.kvnode.raft.pb.SnapshotMetadata;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.Set;
import java.util.zip.Checksum;

/**
 * The byte layout of a snapshot file, all big-endian fixed-width fields so that every malformed file is detectable:
 *
 * <pre>
 * header:  magic u32 | version u32 | index u64 | term u64
 *          | 4 x (count u32, count x id u64): voters, learners, votersOutgoing, learnersNext | autoLeave u8
 * image:   the backend image, as given to save
 * trailer: imageLength u64 | crc32c u32 | end magic u32
 * </pre>
 *
 * The CRC32C covers header, image and the image length, so a flipped bit anywhere but in the CRC itself changes it;
 * a flip in the CRC makes it disagree; the end magic and the length (checked against the file size) catch truncation.
 */
final class SnapshotFormat {
    static final int MAGIC = 0x43534E50; // "CSNP"
    static final int END_MAGIC = 0x43534E45; // "CSNE"
    static final int VERSION = 1;
    static final int TRAILER_SIZE = 8 + 4 + 4;
    private static final int FIXED_HEADER_SIZE = 4 + 4 + 8 + 8 + 4 * 4 + 1;

    private SnapshotFormat() {
    }

    static byte[] encodeHeader(SnapshotMetadata meta) {
        ConfState c = meta.confState();
        int ids = c.voters().size() + c.learners().size() + c.votersOutgoing().size() + c.learnersNext().size();
        ByteBuffer out = ByteBuffer.allocate(FIXED_HEADER_SIZE + 8 * ids);
        out.putInt(MAGIC).putInt(VERSION).putLong(meta.index()).putLong(meta.term());
        putIds(out, c.voters());
        putIds(out, c.learners());
        putIds(out, c.votersOutgoing());
        putIds(out, c.learnersNext());
        out.put((byte) (c.autoLeave() ? 1 : 0));
        return out.array();
    }

    /** The header's size in bytes, to find where the image starts. */
    static int headerSize(SnapshotMetadata meta) {
        ConfState c = meta.confState();
        return FIXED_HEADER_SIZE
                + 8 * (c.voters().size() + c.learners().size() + c.votersOutgoing().size() + c.learnersNext().size());
    }

    /**
     * Reads a header from the start of a file of {@code fileSize} bytes. Every count is bounded by what the file can
     * hold, so a flipped bit in a count cannot make the reader allocate or read without limit.
     *
     * @throws IllegalArgumentException when the bytes do not form a header
     */
    static SnapshotMetadata readHeader(DataInputStream in, long fileSize) throws IOException {
        try {
            if (in.readInt() != MAGIC) {
                throw new IllegalArgumentException("bad magic");
            }
            int version = in.readInt();
            if (version != VERSION) {
                throw new IllegalArgumentException("unsupported format version " + version);
            }
            long index = in.readLong();
            long term = in.readLong();
            long budget = fileSize - FIXED_HEADER_SIZE - TRAILER_SIZE;
            Set<Long> voters = readIds(in, budget);
            budget -= 8L * voters.size();
            Set<Long> learners = readIds(in, budget);
            budget -= 8L * learners.size();
            Set<Long> votersOutgoing = readIds(in, budget);
            budget -= 8L * votersOutgoing.size();
            Set<Long> learnersNext = readIds(in, budget);
            byte autoLeave = in.readByte();
            if (autoLeave != 0 && autoLeave != 1) {
                throw new IllegalArgumentException("bad autoLeave flag " + autoLeave);
            }
            ConfState conf = new ConfState(voters, learners, votersOutgoing, learnersNext, autoLeave == 1);
            return new SnapshotMetadata(conf, index, term);
        } catch (EOFException e) {
            throw new IllegalArgumentException("file ends inside the header");
        }
    }

    /** The trailer for an image of {@code imageLength} bytes; feeds the length into {@code crc} first. */
    static byte[] trailer(long imageLength, Checksum crc) {
        ByteBuffer out = ByteBuffer.allocate(TRAILER_SIZE);
        out.putLong(imageLength);
        crc.update(out.array(), 0, 8);
        out.putInt((int) crc.getValue()).putInt(END_MAGIC);
        return out.array();
    }

    /**
     * Checks a trailer against the image length the file size implies and against {@code crc}, which must already
     * cover header and image.
     *
     * @return null when it matches, else why not
     */
    static String checkTrailer(byte[] trailer, long expectedImageLength, Checksum crc) {
        ByteBuffer in = ByteBuffer.wrap(trailer);
        long imageLength = in.getLong();
        crc.update(trailer, 0, 8);
        int storedCrc = in.getInt();
        int endMagic = in.getInt();
        if (endMagic != END_MAGIC) {
            return "bad end magic (truncated or overwritten trailer)";
        }
        if (imageLength != expectedImageLength) {
            return "trailer says image is " + imageLength + " bytes, file holds " + expectedImageLength;
        }
        if (storedCrc != (int) crc.getValue()) {
            return String.format("checksum mismatch: stored %08x, computed %08x", storedCrc, (int) crc.getValue());
        }
        return null;
    }

    private static void putIds(ByteBuffer out, Set<Long> ids) {
        out.putInt(ids.size());
        for (long id : ids) {
            out.putLong(id);
        }
    }

    private static Set<Long> readIds(DataInputStream in, long budget) throws IOException {
        int count = in.readInt();
        if (count < 0 || 8L * count > budget) {
            throw new IllegalArgumentException("bad id count " + count);
        }
        Set<Long> ids = new HashSet<>();
        for (int i = 0; i < count; i++) {
            ids.add(in.readLong());
        }
        if (ids.size() != count) {
            throw new IllegalArgumentException("duplicate id in a configuration set");
        }
        return ids;
    }
}
