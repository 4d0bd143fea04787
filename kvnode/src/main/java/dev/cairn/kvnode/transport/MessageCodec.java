package dev.cairn.kvnode.transport;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import dev.cairn.kvnode.proto.peer.RaftMessage;
import dev.cairn.kvnode.raft.pb.ConfState;
import dev.cairn.kvnode.raft.pb.Entry;
import dev.cairn.kvnode.raft.pb.EntryType;
import dev.cairn.kvnode.raft.pb.Message;
import dev.cairn.kvnode.raft.pb.MessageType;
import dev.cairn.kvnode.raft.pb.Snapshot;
import dev.cairn.kvnode.raft.pb.SnapshotMetadata;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Converts Raft messages to their wire form ({@code cairn.peer.RaftMessage}) and back, field by field. Types are
 * mapped by name, never by ordinal, so the wire does not change when an enum of the Raft core is reordered.
 */
public final class MessageCodec {
    private MessageCodec() {
    }

    public static RaftMessage toWire(Message message) {
        RaftMessage.Builder wire = RaftMessage.newBuilder()
                .setType(toWire(message.type()))
                .setTo(message.to())
                .setFrom(message.from())
                .setTerm(message.term())
                .setLogTerm(message.logTerm())
                .setIndex(message.index())
                .setCommit(message.commit())
                .setReject(message.reject())
                .setRejectHint(message.rejectHint())
                .setContext(message.context())
                .setLeaderTick(message.leaderTick())
                .setCampaignTransfer(message.campaignTransfer());
        for (Entry entry : message.entries()) {
            wire.addEntries(dev.cairn.kvnode.proto.peer.Entry.newBuilder()
                    .setTerm(entry.term())
                    .setIndex(entry.index())
                    .setType(entry.type() == EntryType.NORMAL ? dev.cairn.kvnode.proto.peer.EntryType.NORMAL
                            : dev.cairn.kvnode.proto.peer.EntryType.CONF_CHANGE)
                    // The entry's bytes are never changed after it is created, so they need no defensive copy.
                    .setData(UnsafeByteOperations.unsafeWrap(entry.data())));
        }
        if (message.snapshot() != null) {
            wire.setSnapshot(toWire(message.snapshot()));
        }
        return wire.build();
    }

    /**
     * @throws IllegalArgumentException when the wire form names a type this member does not know (a newer peer)
     */
    public static Message fromWire(RaftMessage wire) {
        List<Entry> entries = new ArrayList<>(wire.getEntriesCount());
        for (dev.cairn.kvnode.proto.peer.Entry entry : wire.getEntriesList()) {
            entries.add(new Entry(entry.getTerm(), entry.getIndex(), fromWire(entry.getType()),
                    entry.getData().toByteArray()));
        }
        return Message.builder(messageType(wire))
                .to(wire.getTo())
                .from(wire.getFrom())
                .term(wire.getTerm())
                .logTerm(wire.getLogTerm())
                .index(wire.getIndex())
                .entries(entries)
                .commit(wire.getCommit())
                .snapshot(wire.hasSnapshot() ? fromWire(wire.getSnapshot()) : null)
                .reject(wire.getReject())
                .rejectHint(wire.getRejectHint())
                .context(wire.getContext())
                .leaderTick(wire.getLeaderTick())
                .campaignTransfer(wire.getCampaignTransfer())
                .build();
    }

    public static dev.cairn.kvnode.proto.peer.SnapshotMetadata toWire(SnapshotMetadata metadata) {
        ConfState conf = metadata.confState();
        return dev.cairn.kvnode.proto.peer.SnapshotMetadata.newBuilder()
                .setIndex(metadata.index())
                .setTerm(metadata.term())
                .setConfState(dev.cairn.kvnode.proto.peer.ConfState.newBuilder()
                        .addAllVoters(conf.voters())
                        .addAllLearners(conf.learners())
                        .addAllVotersOutgoing(conf.votersOutgoing())
                        .addAllLearnersNext(conf.learnersNext())
                        .setAutoLeave(conf.autoLeave()))
                .build();
    }

    public static SnapshotMetadata fromWire(dev.cairn.kvnode.proto.peer.SnapshotMetadata wire) {
        dev.cairn.kvnode.proto.peer.ConfState conf = wire.getConfState();
        return new SnapshotMetadata(new ConfState(idSet(conf.getVotersList()), idSet(conf.getLearnersList()),
                idSet(conf.getVotersOutgoingList()), idSet(conf.getLearnersNextList()), conf.getAutoLeave()),
                wire.getIndex(), wire.getTerm());
    }

    private static dev.cairn.kvnode.proto.peer.Snapshot toWire(Snapshot snapshot) {
        return dev.cairn.kvnode.proto.peer.Snapshot.newBuilder()
                .setData(ByteString.copyFrom(snapshot.data()))
                .setMetadata(toWire(snapshot.metadata()))
                .build();
    }

    private static Snapshot fromWire(dev.cairn.kvnode.proto.peer.Snapshot wire) {
        return new Snapshot(wire.getData().toByteArray(), fromWire(wire.getMetadata()));
    }

    private static Set<Long> idSet(List<Long> ids) {
        return new HashSet<>(ids);
    }

    private static EntryType fromWire(dev.cairn.kvnode.proto.peer.EntryType type) {
        return switch (type) {
            case NORMAL -> EntryType.NORMAL;
            case CONF_CHANGE -> EntryType.CONF_CHANGE;
            case UNRECOGNIZED -> throw new IllegalArgumentException("unknown entry type on the wire");
        };
    }

    private static dev.cairn.kvnode.proto.peer.MessageType toWire(MessageType type) {
        return dev.cairn.kvnode.proto.peer.MessageType.valueOf(type.name());
    }

    private static MessageType messageType(RaftMessage wire) {
        dev.cairn.kvnode.proto.peer.MessageType type = wire.getType();
        if (type == dev.cairn.kvnode.proto.peer.MessageType.MESSAGE_TYPE_UNSPECIFIED
                || type == dev.cairn.kvnode.proto.peer.MessageType.UNRECOGNIZED) {
            throw new IllegalArgumentException("unknown raft message type " + wire.getTypeValue() + " on the wire");
        }
        return MessageType.valueOf(type.name());
    }
}
