package dev.cairn.kvnode.cluster;

import static dev.cairn.kvnode.testing.OneShotChannel.call;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import dev.cairn.kvnode.cli.KvnodeCommand;
import dev.cairn.kvnode.embed.EmbeddedKvnode;
import dev.cairn.kvnode.embed.KvnodeConfig;
import dev.cairn.kvnode.proto.etcdserverpb.ClusterGrpc;
import dev.cairn.kvnode.proto.etcdserverpb.CompactionRequest;
import dev.cairn.kvnode.proto.etcdserverpb.KVGrpc;
import dev.cairn.kvnode.proto.etcdserverpb.Member;
import dev.cairn.kvnode.proto.etcdserverpb.MemberListRequest;
import dev.cairn.kvnode.proto.etcdserverpb.PutRequest;
import dev.cairn.kvnode.proto.etcdserverpb.RangeRequest;
import dev.cairn.kvnode.proto.etcdserverpb.RangeResponse;
import dev.cairn.kvnode.testing.ClusterProcesses;
import dev.cairn.kvnode.testing.FreePorts;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backup of a one-member cluster, restored with {@code kvnode snapshot restore} into the members of a new
 * three-member cluster of real processes: every key at its revision, the new members and no old one, and writes going
 * on from the backup's revision.
 */
class SnapshotRestoreIT {
    @TempDir
    Path dir;

    @Test
    void aBackupRestoredIntoANewThreeMemberClusterServesEveryKeyAtItsRevision() throws Exception {
        Path backup = dir.resolve("backup.db");
        RangeResponse before;
        long oldMemberId;
        try (EmbeddedKvnode source = EmbeddedKvnode.start(KvnodeConfig.singleMember("old", dir.resolve("old"),
                "127.0.0.1", FreePorts.next(), FreePorts.next(), -1))) {
            oldMemberId = source.identity().memberId();
            String url = "127.0.0.1:" + source.clientPort();
            call("http://" + url, channel -> {
                KVGrpc.KVBlockingStub kv = KVGrpc.newBlockingStub(channel);
                for (int i = 0; i < 300; i++) {
                    kv.put(PutRequest.newBuilder().setKey(key("key-" + i)).setValue(key("value-" + i)).build());
                }
                kv.put(PutRequest.newBuilder().setKey(key("key-7")).setValue(key("rewritten")).build());
                kv.compact(CompactionRequest.newBuilder().setRevision(100).build());
                return null;
            });
            before = call("http://" + url, channel -> KVGrpc.newBlockingStub(channel).range(everything()));
            assertThat(run("snapshot", "save", backup.toString(), "--endpoints", url)).isZero();
        }

        ClusterProcesses cluster = ClusterProcesses.prepare(dir.resolve("new"), 3, List.of());
        try (cluster) {
            for (ClusterProcesses.Node node : cluster.nodes()) {
                assertThat(run("snapshot", "restore", backup.toString(), "--name", node.name(), "--data-dir",
                        cluster.dataDir(node).toString(), "--initial-cluster", cluster.initialCluster(),
                        "--initial-cluster-token", ClusterProcesses.token(), "--initial-advertise-peer-urls",
                        node.peerUrl())).isZero();
            }
            cluster.startAll();
            for (ClusterProcesses.Node node : cluster.nodes()) {
                RangeResponse restored = call(node.clientUrl(),
                        channel -> KVGrpc.newBlockingStub(channel).range(everything().toBuilder()
                                .setSerializable(true).build()));
                assertThat(restored.getKvsList()).as(node.name()).isEqualTo(before.getKvsList());
                assertThat(restored.getHeader().getRevision()).isEqualTo(before.getHeader().getRevision());
            }
            ClusterProcesses.Node first = cluster.node(0);
            await("the new members publish their names").atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                List<Member> members = members(first);
                assertThat(members).extracting(Member::getName).containsExactlyInAnyOrder("m1", "m2", "m3");
            });
            List<Member> members = members(first);
            assertThat(members).extracting(Member::getID).doesNotContain(oldMemberId);
            long next = call(first.clientUrl(), channel -> KVGrpc.newBlockingStub(channel).put(PutRequest
                    .newBuilder().setKey(key("after-restore")).setValue(key("x")).build()).getHeader()
                    .getRevision());
            assertThat(next).isEqualTo(before.getHeader().getRevision() + 1);
        }
    }

    private static List<Member> members(ClusterProcesses.Node node) {
        return call(node.clientUrl(), channel -> ClusterGrpc.newBlockingStub(channel)
                .memberList(MemberListRequest.newBuilder().setLinearizable(true).build()).getMembersList());
    }

    private static int run(String... args) {
        StringWriter output = new StringWriter();
        var command = KvnodeCommand.commandLine();
        command.setOut(new PrintWriter(output));
        command.setErr(new PrintWriter(output));
        int exit = command.execute(args);
        if (exit != 0) {
            System.err.println(String.join(" ", args) + " -> " + exit + ":\n" + output);
        }
        return exit;
    }

    private static RangeRequest everything() {
        return RangeRequest.newBuilder().setKey(ByteString.copyFrom(new byte[] {0}))
                .setRangeEnd(ByteString.copyFrom(new byte[] {0})).build();
    }

    private static ByteString key(String text) {
        return ByteString.copyFromUtf8(text);
    }

}
