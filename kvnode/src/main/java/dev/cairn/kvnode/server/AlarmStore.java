package dev.cairn.kvnode.server;

import com.google.protobuf.ByteString;
import dev.cairn.kvnode.mvcc.Bucket;
import dev.cairn.kvnode.mvcc.MvccStore;
import dev.cairn.kvnode.mvcc.WriteTxn;
import dev.cairn.kvnode.proto.etcdserverpb.AlarmMember;
import dev.cairn.kvnode.proto.etcdserverpb.AlarmRequest;
import dev.cairn.kvnode.proto.etcdserverpb.AlarmType;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The cluster's alarms (etcd's v3alarm store): which member raised which alarm. They change only by applying alarm
 * entries, so every member holds the same ones, and they live in the backend's alarm bucket, so they survive restarts
 * and travel in snapshots. Read from the bucket each time rather than cached: a store rebuilt from a snapshot then
 * brings its alarms with it, and there are never more than a few.
 *
 * <p>Each alarm is one bucket entry keyed by member id (8 bytes) and alarm type (4 bytes), big-endian, with an empty
 * value, so the bucket lists them by member, then type.
 */
public final class AlarmStore {
    private static final byte[] PRESENT = new byte[0];

    private final MvccStore store;

    public AlarmStore(MvccStore store) {
        this.store = store;
    }

    /** The active alarms of {@code type}, or all of them for {@code NONE}, as etcd's Get answers. */
    public List<AlarmMember> get(AlarmType type) {
        return get(type.getNumber());
    }

    /** By number, so that a type this version does not know matches only itself (and matches nothing stored). */
    private List<AlarmMember> get(int type) {
        List<AlarmMember> alarms = new ArrayList<>();
        for (ByteString key : store.bucket(Bucket.ALARM).keySet()) {
            AlarmMember alarm = decode(key);
            if (type == AlarmType.NONE_VALUE || alarm.getAlarmValue() == type) {
                alarms.add(alarm);
            }
        }
        return alarms;
    }

    /** Whether any member has raised {@code type}. */
    public boolean isActive(AlarmType type) {
        return !get(type).isEmpty();
    }

    /**
     * Applies an alarm request inside {@code txn} (committed by the caller) and returns the alarms etcd answers with:
     * all of the type for GET; for ACTIVATE the alarm (none for type NONE, which etcd ignores); for DEACTIVATE the
     * alarm removed, none when it was not active.
     */
    List<AlarmMember> apply(WriteTxn txn, AlarmRequest request) {
        // By number: the request is committed, and an alarm type this version does not know must apply (as nothing)
        // on every member rather than fail them all.
        AlarmMember alarm = AlarmMember.newBuilder().setMemberID(request.getMemberID())
                .setAlarmValue(request.getAlarmValue()).build();
        return switch (request.getAction()) {
            case GET -> get(request.getAlarmValue());
            case ACTIVATE -> {
                // etcd stops the member on an alarm it cannot act on; raising nothing keeps the cluster up.
                if (request.getAlarm() == AlarmType.NONE || request.getAlarm() == AlarmType.UNRECOGNIZED) {
                    yield List.of();
                }
                txn.putInBucket(Bucket.ALARM, encode(alarm), PRESENT);
                yield List.of(alarm);
            }
            case DEACTIVATE -> {
                if (!store.bucket(Bucket.ALARM).containsKey(ByteString.copyFrom(encode(alarm)))) {
                    yield List.of();
                }
                txn.deleteFromBucket(Bucket.ALARM, encode(alarm));
                yield List.of(alarm);
            }
            // A value from a newer client; etcd answers such a request with nothing.
            case UNRECOGNIZED -> List.of();
        };
    }

    /**
     * An alarm as etcd's Status reports it in {@code errors}: the protobuf text form of the AlarmMember, which leaves
     * out zero fields and ends every field with a space ({@code memberID:10276657743932975437 alarm:NOSPACE }).
     */
    public static String describe(AlarmMember alarm) {
        StringBuilder text = new StringBuilder();
        if (alarm.getMemberID() != 0) {
            text.append("memberID:").append(Long.toUnsignedString(alarm.getMemberID())).append(' ');
        }
        if (alarm.getAlarm() != AlarmType.NONE) {
            text.append("alarm:").append(alarm.getAlarm().name()).append(' ');
        }
        return text.toString();
    }

    private static byte[] encode(AlarmMember alarm) {
        return ByteBuffer.allocate(Long.BYTES + Integer.BYTES).putLong(alarm.getMemberID())
                .putInt(alarm.getAlarmValue()).array();
    }

    private static AlarmMember decode(ByteString key) {
        ByteBuffer bytes = key.asReadOnlyByteBuffer();
        return AlarmMember.newBuilder().setMemberID(bytes.getLong()).setAlarmValue(bytes.getInt()).build();
    }
}
