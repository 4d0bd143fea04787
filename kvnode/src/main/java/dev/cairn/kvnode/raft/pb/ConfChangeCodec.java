package dev.cairn.kvnode.raft.pb;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The bytes of a membership change inside a log entry. Empty bytes are the empty change (leave joint), so the leader
 * can append that one without allocating anything.
 */
public final class ConfChangeCodec {
    private static final byte VERSION = 1;

    private ConfChangeCodec() {
    }

    public static byte[] encode(ConfChange change) {
        if (change.isLeaveJoint() && change.context().length == 0) {
            return new byte[0];
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeByte(change.transition().ordinal());
            out.writeInt(change.changes().size());
            for (ConfChange.Single single : change.changes()) {
                out.writeByte(single.type().ordinal());
                out.writeLong(single.nodeId());
            }
            out.writeInt(change.context().length);
            out.write(change.context());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public static ConfChange decode(byte[] data) {
        if (data.length == 0) {
            return ConfChange.leaveJoint();
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            byte version = in.readByte();
            if (version != VERSION) {
                throw new IllegalArgumentException("unknown conf change encoding version " + version);
            }
            ConfChange.Transition transition = ConfChange.Transition.values()[in.readByte()];
            int count = in.readInt();
            List<ConfChange.Single> changes = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                ConfChange.Type type = ConfChange.Type.values()[in.readByte()];
                changes.add(new ConfChange.Single(type, in.readLong()));
            }
            byte[] context = new byte[in.readInt()];
            in.readFully(context);
            return new ConfChange(changes, transition, context);
        } catch (IOException e) {
            throw new IllegalArgumentException("corrupt conf change entry: " + e.getMessage(), e);
        }
    }
}
