package dev.cairn.kvnode.wal;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The on-disk frame of a record: 4-byte length (of type + payload), 4-byte CRC32C over type + payload, 1-byte type,
 * payload. The length comes first so a reader can skip or bound a record before trusting it; the CRC covers the
 * type so a flipped type byte cannot make a payload be decoded as something else.
 */
final class RecordFrame {
    /** Bytes before the type byte: length and CRC. */
    static final int PREFIX = 8;

    private RecordFrame() {
    }

    /** A frame that passed its checks: where its payload is in the buffer, and where the next frame starts. */
    record Frame(byte type, int payloadOffset, int payloadLength, int end) {
        ByteBuffer payload(ByteBuffer file) {
            return file.slice(payloadOffset, payloadLength);
        }
    }

    static byte[] encode(WalRecord record) {
        byte[] payload = RecordCodec.encodePayload(record);
        ByteBuffer out = ByteBuffer.allocate(PREFIX + 1 + payload.length);
        out.putInt(1 + payload.length);
        out.putInt(0); // the CRC, filled in below once type and payload are in place
        out.put(record.type()).put(payload);
        out.putInt(4, crc(out, PREFIX, 1 + payload.length));
        return out.array();
    }

    /**
     * The frame at {@code pos} of {@code file} (positions are absolute, up to {@code file.limit()}), or null when the
     * bytes there are not an intact record: too short, zero or overlong length, unknown type, or a CRC mismatch.
     */
    static Frame parse(ByteBuffer file, int pos) {
        int limit = file.limit();
        if (limit - pos < PREFIX + 1) {
            return null;
        }
        int length = file.getInt(pos);
        if (length < 1 || length > limit - pos - PREFIX) {
            return null;
        }
        byte type = file.get(pos + PREFIX);
        if (!WalRecord.isKnownType(type)) {
            return null;
        }
        if (file.getInt(pos + 4) != crc(file, pos + PREFIX, length)) {
            return null;
        }
        return new Frame(type, pos + PREFIX + 1, length - 1, pos + PREFIX + length);
    }

    private static int crc(ByteBuffer buffer, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(buffer.slice(offset, length));
        return (int) crc.getValue();
    }
}
