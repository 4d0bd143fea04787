package dev.cairn.kvnode.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every field of a Raft message survives the wire: random messages of every type, with random entries and
 * snapshots (including the full ConfState), go through the codec and the protobuf bytes and come back equal.
 * Replay a failure with {@code -Dcodec.seed=N}.
 */
class MessageCodecTest {

    @Test
    void randomMessagesSurviveTheWireUnchanged() {
        long seed = Long.getLong("codec.seed", System.nanoTime());
        Random random = new Random(seed);
        try {
            for (int i = 0; i < 2000; i++) {
                Message message = randomMessage(random);
                byte[] bytes = MessageCodec.toWire(message).toByteArray();
                Message back = MessageCodec.fromWire(RaftMessage.parseFrom(bytes));
                assertThat(back).as("message %d", i).isEqualTo(message);
                assertThat(back.snapshot()).isEqualTo(message.snapshot());
            }
        } catch (AssertionError | Exception e) {
            throw new AssertionError("failed with seed " + seed + "; replay: ./mvnw -B -q -ntp -pl kvnode test "
                    + "-Dtest=MessageCodecTest -Dcodec.seed=" + seed, e);
        }
    }

    @Test
    void everyMessageTypeHasAWireName() {
        for (MessageType type : MessageType.values()) {
            Message message = Message.builder(type).build();
            assertThat(MessageCodec.fromWire(MessageCodec.toWire(message)).type()).isEqualTo(type);
        }
    }

    @Test
    void aMessageWithoutSnapshotIsNotConfusedWithAnEmptySnapshot() {
        Message without = Message.builder(MessageType.APP).build();
        Message empty = Message.builder(MessageType.SNAP).snapshot(Snapshot.EMPTY).build();
        assertThat(MessageCodec.fromWire(MessageCodec.toWire(without)).snapshot()).isNull();
        assertThat(MessageCodec.fromWire(MessageCodec.toWire(empty)).snapshot()).isEqualTo(Snapshot.EMPTY);
    }

    @Test
    void aTypeFromANewerPeerIsRefusedRatherThanGuessed() {
        RaftMessage unknown = RaftMessage.newBuilder().setTypeValue(999).build();
        assertThatThrownBy(() -> MessageCodec.fromWire(unknown)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("999");
    }

    static Message randomMessage(Random random) {
        MessageType[] types = MessageType.values();
        List<Entry> entries = new ArrayList<>();
        int count = random.nextInt(4) == 0 ? random.nextInt(6) : 0;
        for (int i = 0; i < count; i++) {
            entries.add(new Entry(random.nextLong(), random.nextLong(),
                    random.nextBoolean() ? EntryType.NORMAL : EntryType.CONF_CHANGE, bytes(random, 40)));
        }
        return Message.builder(types[random.nextInt(types.length)])
                .to(random.nextLong())
                .from(random.nextLong())
                .term(random.nextLong())
                .logTerm(random.nextLong())
                .index(random.nextLong())
                .entries(entries)
                .commit(random.nextLong())
                .snapshot(random.nextInt(3) == 0 ? randomSnapshot(random) : null)
                .reject(random.nextBoolean())
                .rejectHint(random.nextLong())
                .context(random.nextLong())
                .leaderTick(random.nextLong())
                .campaignTransfer(random.nextBoolean())
                .build();
    }

    private static Snapshot randomSnapshot(Random random) {
        ConfState conf = new ConfState(ids(random), ids(random), ids(random), ids(random), random.nextBoolean());
        return new Snapshot(bytes(random, 20), new SnapshotMetadata(conf, random.nextLong(), random.nextLong()));
    }

    private static Set<Long> ids(Random random) {
        Set<Long> ids = new HashSet<>();
        int count = random.nextInt(5);
        for (int i = 0; i < count; i++) {
            ids.add(random.nextInt(2) == 0 ? random.nextInt(10) + 1 : random.nextLong());
        }
        return ids;
    }

    private static byte[] bytes(Random random, int max) {
        byte[] data = new byte[random.nextInt(max + 1)];
        random.nextBytes(data);
        return data;
    }
}
