package dev.cairn.kvnode.cluster;

import static dev.cairn.kvnode.testing.OneShotChannel.call;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import dev.cairn.kvnode.proto.etcdserverpb.ClusterGrpc;
import dev.cairn.kvnode.proto.etcdserverpb.KVGrpc;
import dev.cairn.kvnode.proto.etcdserverpb.MaintenanceGrpc;
import dev.cairn.kvnode.proto.etcdserverpb.MemberAddRequest;
import dev.cairn.kvnode.proto.etcdserverpb.PutRequest;
import dev.cairn.kvnode.proto.etcdserverpb.StatusRequest;
import dev.cairn.kvnode.proto.etcdserverpb.StatusResponse;
import dev.cairn.kvnode.testing.ClusterProcesses;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A member catching up on a long log holds only a bounded part of it in memory at a time. A learner with a 128 MiB
 * heap (on which one ran out of memory in the local control plane) joins a member whose log holds 96 MiB of 1 MiB
 * values. Two bounds keep it alive: the leader keeps at most 16 MiB of entries in flight to it (the message count
 * alone would let the whole log go out at once), and after each snapshot a member keeps at most 16 MiB of the entries
 * before it for lagging followers (etcd's 5000 entries alone would be the whole log here).
 */
class CatchUpMemoryIT {
    private static final int VALUES = 96;
    private static final ByteString ONE_MIB = ByteString.copyFrom(new byte[1024 * 1024]);

    @TempDir
    Path dir;

    @Test
    void aLearnerWithASmallHeapCatchesUpOnALogOfLargeEntries() throws Exception {
        try (ClusterProcesses cluster = ClusterProcesses.start(dir, 1, List.of())) {
            String leader = cluster.node(0).clientUrl();
            call(leader, channel -> {
                KVGrpc.KVBlockingStub kv = KVGrpc.newBlockingStub(channel);
                for (int i = 0; i < VALUES; i++) {
                    kv.put(PutRequest.newBuilder().setKey(ByteString.copyFromUtf8("big/" + i)).setValue(ONE_MIB)
                            .build());
                }
                return null;
            });
            long leaderIndex = status(leader).getRaftIndex();

            ClusterProcesses.Node learner = cluster.prepareNewMember();
            await("member add").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                    .ignoreException(StatusRuntimeException.class)
                    .until(() -> call(leader, channel -> ClusterGrpc.newBlockingStub(channel).memberAdd(
                            MemberAddRequest.newBuilder().addPeerURLs(learner.peerUrl()).setIsLearner(true).build()))
                            != null);
            learner.maxHeap("128m");
            cluster.join(learner);

            await("the learner applied the whole log").atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofMillis(250)).ignoreException(StatusRuntimeException.class)
                    .until(() -> !learner.isRunning() || status(learner.clientUrl()).getRaftAppliedIndex()
                            >= leaderIndex);
            String log = Files.readString(learner.log());
            assertThat(log).as("learner log").doesNotContain("OutOfMemoryError");
            assertThat(learner.isRunning()).as("the learner is still running").isTrue();
        }
    }

    private static StatusResponse status(String endpoint) {
        return call(endpoint, channel -> MaintenanceGrpc.newBlockingStub(channel)
                .status(StatusRequest.getDefaultInstance()));
    }
}
