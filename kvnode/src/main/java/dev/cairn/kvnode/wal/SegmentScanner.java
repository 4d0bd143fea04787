package dev.cairn.kvnode.wal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the records of one segment file and decides where its valid data ends.
 *
 * <p>A segment ends cleanly at zero-filled preallocated space (or the end of the file). Anything else that is not an
 * intact record is an anomaly, and what it means depends on where it is. In the last segment, an anomaly with no
 * intact record anywhere after it is a torn tail, the expected result of a crash during an unsynced write: it is cut
 * off. An anomaly followed by an intact record cannot be a torn write (fsync makes a prefix durable, never a later
 * record without the earlier ones), so it is damage to synced data. In an earlier segment every anomaly is damage,
 * since a segment is fsynced in full before the next one is started.
 */
final class SegmentScanner {
    private SegmentScanner() {
    }

    /** A record and the byte offset it starts at, so later checks can report where a problem is. */
    record Positioned(WalRecord record, long offset) {
    }

    /**
     * @param validEnd where the last intact record ends: the position the next append goes to
     * @param torn whether the bytes after {@code validEnd} (other than zeros) must be cut off
     * @param fileLength the length of the file as read
     */
    record Result(List<Positioned> records, long validEnd, boolean torn, long fileLength) {
    }

    static Result scan(Path file, boolean lastSegment) throws IOException {
        ByteBuffer bytes = readAll(file);
        List<Positioned> records = new ArrayList<>();
        int pos = 0;
        int limit = bytes.limit();
        while (true) {
            if (pos == limit || (limit - pos >= 4 && bytes.getInt(pos) == 0) || limit - pos < 4) {
                if (allZero(bytes, pos)) {
                    return new Result(records, pos, false, limit);
                }
                return anomaly(file, bytes, pos, lastSegment, records, "non-zero bytes after the end of the records");
            }
            RecordFrame.Frame frame = RecordFrame.parse(bytes, pos);
            if (frame == null) {
                return anomaly(file, bytes, pos, lastSegment, records, "record fails its length, type or CRC check");
            }
            WalRecord record;
            try {
                record = RecordCodec.decode(frame.type(), frame.payload(bytes));
            } catch (IllegalArgumentException e) {
                return anomaly(file, bytes, pos, lastSegment, records, "malformed record: " + e.getMessage());
            }
            records.add(new Positioned(record, pos));
            pos = frame.end();
        }
    }

    private static Result anomaly(Path file, ByteBuffer bytes, int pos, boolean lastSegment,
            List<Positioned> records, String reason) throws WalCorruptException {
        if (!lastSegment) {
            throw new WalCorruptException(file, pos, reason + " in a segment that is not the last");
        }
        int next = nextIntactRecord(bytes, pos + 1);
        if (next >= 0) {
            throw new WalCorruptException(file, pos, reason + ", with an intact record after it at offset " + next);
        }
        return new Result(records, pos, true, bytes.limit());
    }

    /**
     * The offset of the first intact record starting at or after {@code from}, or -1. Cheap on the usual inputs: in
     * zeros or random bytes almost every position fails the length or type check before any CRC is computed.
     */
    private static int nextIntactRecord(ByteBuffer bytes, int from) {
        for (int p = from; p <= bytes.limit() - RecordFrame.PREFIX - 1; p++) {
            if (RecordFrame.parse(bytes, p) != null) {
                return p;
            }
        }
        return -1;
    }

    private static boolean allZero(ByteBuffer bytes, int from) {
        for (int p = from; p < bytes.limit(); p++) {
            if (bytes.get(p) != 0) {
                return false;
            }
        }
        return true;
    }

    private static ByteBuffer readAll(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size > Integer.MAX_VALUE) {
                throw new WalCorruptException(file, Integer.MAX_VALUE, "segment is larger than 2 GiB");
            }
            ByteBuffer buffer = ByteBuffer.allocate((int) size);
            while (buffer.hasRemaining()) {
                if (channel.read(buffer, buffer.position()) < 0) {
                    break; // shrank while we read; what we have is all there is
                }
            }
            return buffer.flip();
        }
    }
}
