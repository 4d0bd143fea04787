package dev.cairn.kvnode.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cairn.kvnode.proto.peer.Envelope;
import dev.cairn.kvnode.proto.peer.MessageBatch;
import dev.cairn.kvnode.proto.peer.PeerGrpc;
import dev.cairn.kvnode.proto.peer.StreamAccepted;
import dev.cairn.kvnode.proto.peer.StreamHeader;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Streams are admitted by their header with etcd's checks and words: another cluster, another recipient, a removed
 * sender are refused; the refused sender sees the exact status, and a removed one learns it was removed.
 */
class StreamAdmissionTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

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

    /** Opens a stream to the member with this header, as a peer would, and returns how the member answered it. */
    private Status openStream(TestMember member, StreamHeader header) throws Exception {
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", member.port()).usePlaintext().build();
        closeables.add(() -> {
            channel.shutdownNow();
            channel.awaitTermination(5, TimeUnit.SECONDS);
        });
        CompletableFuture<Status> answer = new CompletableFuture<>();
        StreamObserver<Envelope> stream = PeerGrpc.newStub(channel).stream(new StreamObserver<>() {
            @Override
            public void onNext(StreamAccepted accepted) {
                answer.complete(Status.OK);
            }

            @Override
            public void onError(Throwable error) {
                answer.complete(Status.fromThrowable(error));
            }

            @Override
            public void onCompleted() {
                answer.complete(Status.UNKNOWN.withDescription("completed without an answer"));
            }
        });
        stream.onNext(Envelope.newBuilder().setHeader(header).build());
        stream.onNext(Envelope.newBuilder().setBatch(MessageBatch.newBuilder()
                .addMessages(MessageCodec.toWire(PeerTransportTest.app(header.getFrom(), header.getTo(), 1, 10))))
                .build());
        return answer.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    private static StreamHeader header(long clusterId, long from, long to) {
        return StreamHeader.newBuilder().setClusterId(clusterId).setFrom(from).setTo(to).build();
    }

    @Test
    void aStreamFromAnotherClusterIsRefusedWithEtcdsWords() throws Exception {
        TestMember b = member(2);
        Status status = openStream(b, header(TestMember.CLUSTER_ID + 1, 1, 2));
        assertThat(status.getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(status.getDescription()).isEqualTo("cluster ID mismatch");
        assertThat(b.inbound.received()).isEmpty();
    }

    @Test
    void aStreamForAnotherMemberIsRefused() throws Exception {
        TestMember b = member(2);
        Status status = openStream(b, header(TestMember.CLUSTER_ID, 1, 3));
        assertThat(status.getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(status.getDescription()).isEqualTo("to field mismatch");
        assertThat(b.inbound.received()).isEmpty();
    }

    @Test
    void anAdmittedStreamIsAcceptedAndDelivers() throws Exception {
        TestMember b = member(2);
        assertThat(openStream(b, header(TestMember.CLUSTER_ID, 1, 2))).isEqualTo(Status.OK);
        await().atMost(WAIT).until(() -> b.inbound.received().size() == 1);
    }

    @Test
    void aMemberOfAnotherClusterNeverBecomesActive() throws Exception {
        TestMember b = member(2);
        TestMember stranger = TestMember.start(1, dir, 0,
                config -> new TransportConfig(config.memberId(), TestMember.CLUSTER_ID + 1, config.listenPeerUrls(),
                        config.queueCapacity(), config.initialBackoff(), config.maxBackoff(), config.batchBytes(),
                        config.maxMessageBytes(), config.snapshotChunkBytes(), config.keepAlive(), config.clock()));
        closeables.add(stranger);
        stranger.transport.addPeer(2, List.of(b.peerUrl()));
        // Every refused attempt is reported; two of them show it retried and still was not let in.
        await().atMost(WAIT).until(() -> stranger.inbound.unreachableReports(2) >= 2);
        assertThat(stranger.transport.isActive(2)).isFalse();
        assertThat(stranger.transport.activeSince(2)).isEmpty();
        assertThat(stranger.inbound.removals()).isZero();
    }

    @Test
    void aRemovedMemberIsRefusedAndToldSo() throws Exception {
        TestMember a = member(1);
        TestMember b = member(2);
        TestMember.connectAll(a, b);
        await().atMost(WAIT).until(() -> a.transport.isActive(2) && b.transport.isActive(1));

        b.transport.removePeer(1);

        // The stream a had open is closed at its next write, and every new one is refused.
        a.transport.send(List.of(PeerTransportTest.app(1, 2, 1, 10)));
        await().atMost(WAIT).until(() -> a.inbound.removals() > 0);
        assertThat(a.transport.isActive(2)).isFalse();
        assertThat(b.inbound.receivedFrom(1)).isEmpty();
        assertThat(b.transport.isActive(1)).isFalse();
        Status status = openStream(b, header(TestMember.CLUSTER_ID, 1, 2));
        assertThat(status.getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(status.getDescription()).isEqualTo("the member has been permanently removed from the cluster");
    }
}
