package dev.cairn.kvnode.mvcc;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.cairn.kvnode.proto.mvccpb.KeyValue;

/**
 * The bytes of one stored change: a marker byte (a put, or a tombstone ending the key's life) and the key's
 * KeyValue as written at that revision.
 */
final class ChangeCodec {
    private static final byte PUT = 'p';
    private static final byte TOMBSTONE = 't';

    private ChangeCodec() {
    }

    static byte[] encodePut(KeyValue kv) {
        return encode(PUT, kv);
    }

    static byte[] encodeTombstone(KeyValue kv) {
        return encode(TOMBSTONE, kv);
    }

    static boolean isTombstone(byte[] record) {
        return record[0] == TOMBSTONE;
    }

    static KeyValue decode(byte[] record) {
        try {
            return KeyValue.parser().parseFrom(record, 1, record.length - 1);
        } catch (InvalidProtocolBufferException e) {
            throw new BackendException("corrupt change record: " + e.getMessage(), e);
        }
    }

    private static byte[] encode(byte marker, KeyValue kv) {
        byte[] body = kv.toByteArray();
        byte[] record = new byte[body.length + 1];
        record[0] = marker;
        System.arraycopy(body, 0, record, 1, body.length);
        return record;
    }
}
