package dev.cairn.kvnode.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import dev.cairn.kvnode.proto.peer.PeerGrpc;
import dev.cairn.kvnode.proto.peer.SnapshotChunk;
import dev.cairn.kvnode.proto.peer.SnapshotReply;
import dev.cairn.kvnode.proto.peer.SnapshotStart;
import dev.cairn.kvnode.proto.peer.StreamHeader;
import dev.cairn.kvnode.raft.pb.ConfState;
import dev.cairn.kvnode.raft.pb.Message;
import dev.cairn.kvnode.raft.pb.MessageType;
import dev.cairn.kvnode.raft.pb.Snapshot;
import dev.cairn.kvnode.raft.pb.SnapshotMetadata;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Snapshots sent between two members through real files: they arrive byte for byte, are committed before Raft hears
 * of them, and anything short of that (corruption, a broken stream) leaves no file and delivers nothing.
 * Replay the random file contents with {@code -Dsnapshot.seed=N}.
 */
class SnapshotTransferTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final long SEED = Long.getLong("snapshot.seed", System.nanoTime());

    @TempDir
    Path dir;

    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable closeable : closeables) {
            closeable.close();
        }
    }

    private TestMember member(long id) throws Exception {
        TestMember member = TestMember.start(id, dir);
        closeables.add(member);
        return member;
    }

    private static Message snap(long from, long to, long index) {
        SnapshotMetadata metadata = new SnapshotMetadata(
                new ConfState(Set.of(from, to), Set.of(7L), Set.of(), Set.of(), false), index, 3);
        return Message.builder(MessageType.SNAP).from(from).to(to).term(3)
                .snapshot(new Snapshot(new byte[0], metadata)).build();
    }

    /** A file of random bytes, not a multiple of the chunk size, so the last chunk is a short one. */
    private static byte[] writeSnapshotFile(TestMember member, long index, int size) throws Exception {
        byte[] content = new byte[size];
        new Random(SEED).nextBytes(content);
        Files.write(member.snapshots.file(index), content);
        return content;
    }

    private static String replay() {
        return "seed " + SEED + " (replay with -Dsnapshot.seed=" + SEED + ")";
    }

    @Test
    void aMultiMebibyteSnapshotArrivesByteExactAndIsDeliveredOnlyAfterItsFileIsCommitted() throws Exception {
        TestMember a = member(1);
        TestMember b = member(2);
        TestMember.connectAll(a, b);
        byte[] content = writeSnapshotFile(a, 100, 5 * 1024 * 1024 + 12_345);
        AtomicBoolean committedBeforeDelivery = new AtomicBoolean();
        b.inbound.onReceive(message -> committedBeforeDelivery.set(Files.exists(b.snapshots.file(100))));

        Message snap = snap(1, 2, 100);
        a.transport.send(List.of(snap));

        await().atMost(WAIT).until(() -> !a.inbound.snapshotStatuses().isEmpty());
        assertThat(a.inbound.snapshotStatuses()).as(replay())
                .containsExactly(new RecordingInbound.SnapshotStatus(2, false));
        assertThat(b.inbound.received()).containsExactly(snap);
        assertThat(committedBeforeDelivery).as("the file was in place when Raft got the MsgSnap").isTrue();
        assertThat(Files.readAllBytes(b.snapshots.file(100))).as(replay()).isEqualTo(content);
        assertThat(a.counter("etcd.network.snapshot.send.success", "To", 2)).isEqualTo(1);
        assertThat(b.counter("etcd.network.snapshot.receive.success", "From", 1)).isEqualTo(1);
        assertThat(b.snapshots.aborts()).isZero();
    }

    @Test
    void aSnapshotCorruptedOnTheWayIsRefusedAbortedAndReportedFailed() throws Exception {
        TestMember a = member(1);
        TestMember b = member(2);
        TestMember.connectAll(a, b);
        writeSnapshotFile(a, 100, 3 * 1024 * 1024 + 7);
        PeerFaults faults = new PeerFaults();
        faults.corruptSnapshots(1, 2);
        a.transport.setFaults(faults);

        a.transport.send(List.of(snap(1, 2, 100)));

        await().atMost(WAIT).until(() -> !a.inbound.snapshotStatuses().isEmpty());
        assertThat(a.inbound.snapshotStatuses()).containsExactly(new RecordingInbound.SnapshotStatus(2, true));
        assertThat(b.inbound.received()).isEmpty();
        assertThat(b.snapshots.aborts()).isEqualTo(1);
        assertThat(Files.exists(b.snapshots.file(100))).isFalse();
        assertThat(Files.list(b.snapshots.file(100).getParent())).as("no partial file is left").isEmpty();
        assertThat(a.counter("etcd.network.snapshot.send.failures", "To", 2)).isEqualTo(1);
        assertThat(b.counter("etcd.network.snapshot.receive.failures", "From", 1)).isEqualTo(1);

        // The same snapshot goes through once the link is sound again.
        faults.healAll();
        a.transport.send(List.of(snap(1, 2, 100)));
        await().atMost(WAIT).until(() -> a.inbound.snapshotStatuses().size() == 2);
        assertThat(a.inbound.snapshotStatuses().get(1).failed()).isFalse();
        assertThat(b.inbound.received()).hasSize(1);
    }

    @Test
    void aStreamThatBreaksMidwayAbortsTheFileAndDeliversNothing() throws Exception {
        TestMember b = member(2);
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", b.port()).usePlaintext().build();
        closeables.add(channel::shutdownNow);
        CompletableFuture<Throwable> ended = new CompletableFuture<>();
        StreamObserver<SnapshotChunk> upload = PeerGrpc.newStub(channel).snapshot(new StreamObserver<>() {
            @Override
            public void onNext(SnapshotReply reply) {
            }

            @Override
            public void onError(Throwable error) {
                ended.complete(error);
            }

            @Override
            public void onCompleted() {
                ended.complete(null);
            }
        });
        upload.onNext(SnapshotChunk.newBuilder().setStart(SnapshotStart.newBuilder()
                .setHeader(StreamHeader.newBuilder().setClusterId(TestMember.CLUSTER_ID).setFrom(1).setTo(2))
                .setMessage(MessageCodec.toWire(snap(1, 2, 100)))
                .setSize(1000)).build());
        upload.onNext(SnapshotChunk.newBuilder().setData(ByteString.copyFrom(new byte[400])).build());
        await().atMost(WAIT).until(() -> Files.exists(b.snapshots.file(100).resolveSibling("100.snap.part")));

        upload.onError(new IllegalStateException("sender crashed"));

        await().atMost(WAIT).until(() -> b.snapshots.aborts() == 1);
        assertThat(ended.get()).isNotNull();
        assertThat(b.inbound.received()).isEmpty();
        assertThat(Files.list(b.snapshots.file(100).getParent())).isEmpty();
        assertThat(b.counter("etcd.network.snapshot.receive.failures", "From", 1)).isEqualTo(1);
    }

    @Test
    void aSnapshotToAnUnknownOrCutOffPeerIsReportedFailed() throws Exception {
        TestMember a = member(1);
        TestMember b = member(2);
        TestMember.connectAll(a, b);
        writeSnapshotFile(a, 100, 1000);
        PeerFaults faults = new PeerFaults();
        faults.partition(1, 2);
        a.transport.setFaults(faults);

        a.transport.send(List.of(snap(1, 2, 100), snap(1, 9, 100)));

        await().atMost(WAIT).until(() -> a.inbound.snapshotStatuses().size() == 2);
        assertThat(a.inbound.snapshotStatuses()).containsExactlyInAnyOrder(
                new RecordingInbound.SnapshotStatus(2, true), new RecordingInbound.SnapshotStatus(9, true));
        assertThat(b.inbound.received()).isEmpty();
    }
}
