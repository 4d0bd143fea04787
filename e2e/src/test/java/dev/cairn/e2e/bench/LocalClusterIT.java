package dev.cairn.e2e.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import dev.cairn.e2e.bench.ServerProcess.Kind;
import dev.cairn.kvnode.proto.etcdserverpb.KVGrpc;
import dev.cairn.kvnode.proto.etcdserverpb.PutRequest;
import dev.cairn.kvnode.proto.etcdserverpb.RangeRequest;
import io.grpc.ManagedChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What the benchmark does to both real servers between runs, three members each: the leadership put on the last
 * member and then on the second, every member agreeing on the new leader each time, a second placement moving
 * nothing; and a compaction to the current revision, after which older revisions are gone and a second one, with
 * nothing written since, does nothing.
 */
class LocalClusterIT {
    private static final Path KVNODE_JAR = Path.of(System.getProperty("kvnode.jar", "../kvnode/target/kvnode.jar"))
            .toAbsolutePath().normalize();

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Kind.class)
    void leadershipGoesWhereAskedAndTheHistoryCompactsToTheCurrentRevision(Kind kind) throws Exception {
        try (LocalCluster cluster = LocalCluster.start(kind, 3, dir, KVNODE_JAR, 120)) {
            for (int target : new int[] {2, 1}) {
                cluster.leadOn(target, 60);
                long targetId = LeaderPlacement.status(cluster.members().get(target)).getHeader().getMemberId();
                assertThat(leadersSeen(cluster.members())).as("leader seen by each member").containsOnly(targetId);

                LeaderPlacement.Outcome again = cluster.leadOn(target, 60);
                assertThat(again.moved()).isFalse();
                assertThat(again.leaderBefore()).isEqualTo(targetId);
            }

            ManagedChannel channel = cluster.members().get(0).channel();
            try {
                KVGrpc.KVBlockingStub kv = KVGrpc.newBlockingStub(channel);
                ByteString key = ByteString.copyFromUtf8("k");
                long first = kv.put(PutRequest.newBuilder().setKey(key).setValue(key).build()).getHeader()
                        .getRevision();
                long second = kv.put(PutRequest.newBuilder().setKey(key).setValue(key).build()).getHeader()
                        .getRevision();

                assertThat(cluster.compactToCurrentRevision(60)).isEqualTo(second);
                assertThatThrownBy(() -> kv.range(RangeRequest.newBuilder().setKey(key).setRevision(first).build()))
                        .hasMessageContaining("required revision has been compacted");
                assertThat(cluster.compactToCurrentRevision(60)).as("nothing written since").isZero();
            } finally {
                channel.shutdownNow();
            }
        }
    }

    /** Each member's view, once all have heard of the last election (a follower learns of it late). */
    private static List<Long> leadersSeen(List<ServerProcess> members) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                .until(() -> leaders(members).stream().distinct().count() == 1);
        return leaders(members);
    }

    private static List<Long> leaders(List<ServerProcess> members) {
        return members.stream().map(m -> LeaderPlacement.status(m).getLeader()).toList();
    }
}
