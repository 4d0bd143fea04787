package dev.cairn.kvnode.cluster;

import static dev.cairn.kvnode.testing.OneShotChannel.call;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import dev.cairn.kvnode.proto.etcdserverpb.ClusterGrpc;
import dev.cairn.kvnode.proto.etcdserverpb.KVGrpc;
import dev.cairn.kvnode.proto.etcdserverpb.Member;
import dev.cairn.kvnode.proto.etcdserverpb.MemberAddRequest;
import dev.cairn.kvnode.proto.etcdserverpb.MemberListRequest;
import dev.cairn.kvnode.proto.etcdserverpb.MemberPromoteRequest;
import dev.cairn.kvnode.proto.etcdserverpb.RangeRequest;
import dev.cairn.kvnode.testing.ClusterProcesses;
import dev.cairn.kvnode.testing.MembersAgree;
import dev.cairn.kvnode.testing.linearizability.CheckResult;
import dev.cairn.kvnode.testing.linearizability.ClusterHistoryRecorder;
import dev.cairn.kvnode.testing.linearizability.EtcdKvModel;
import dev.cairn.kvnode.testing.linearizability.LinearizabilityChecker;
import dev.cairn.kvnode.testing.linearizability.Operation;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real kvnode processes under client load while members fail and change: every history recorded must be
 * linearizable (so no acknowledged write is lost and no read is stale), and every member must end with the same data.
 * The load is seeded ({@code -Dcluster.seed=...} replays it); the seed is in every failure message.
 */
class ClusterFaultIT {
    private static final long SEED = Long.getLong("cluster.seed", new Random().nextLong());

    @TempDir
    Path dir;

    @Test
    void theLeaderKilledWithSigkillUnderLoadLosesNothing() throws Exception {
        try (ClusterProcesses cluster = ClusterProcesses.start(dir, 3, List.of());
                ClusterHistoryRecorder load = new ClusterHistoryRecorder(cluster::clientUrls, SEED)) {
            load.start(4);
            awaitMoreAcknowledged(load, 150);
            ClusterProcesses.Node leader = cluster.awaitLeader();
            cluster.kill(leader);
            ClusterProcesses.Node next = cluster.awaitLeader();
            assertThat(next).isNotSameAs(leader);
            awaitMoreAcknowledged(load, 150);
            cluster.restart(leader);
            awaitMoreAcknowledged(load, 100);
            assertLinearizable(load.stop());
            assertMembersAgree(cluster);
        }
    }

    @Test
    void fiveMembersServeThroughTwoLeadersKilledInARow() throws Exception {
        try (ClusterProcesses cluster = ClusterProcesses.start(dir, 5, List.of());
                ClusterHistoryRecorder load = new ClusterHistoryRecorder(cluster::clientUrls, SEED)) {
            load.start(4);
            awaitMoreAcknowledged(load, 100);
            ClusterProcesses.Node first = cluster.awaitLeader();
            cluster.kill(first);
            ClusterProcesses.Node second = cluster.awaitLeader();
            awaitMoreAcknowledged(load, 100);
            cluster.kill(second);
            cluster.awaitLeader();
            awaitMoreAcknowledged(load, 100);
            cluster.restart(first);
            cluster.restart(second);
            awaitMoreAcknowledged(load, 50);
            assertLinearizable(load.stop());
            assertMembersAgree(cluster);
        }
    }

    @Test
    void aLearnerIsAddedCaughtUpAndPromotedUnderLoad() throws Exception {
        try (ClusterProcesses cluster = ClusterProcesses.start(dir, 3, List.of());
                ClusterHistoryRecorder load = new ClusterHistoryRecorder(cluster::clientUrls, SEED)) {
            load.start(4);
            awaitMoreAcknowledged(load, 200);
            ClusterProcesses.Node added = cluster.prepareNewMember();
            String anyEndpoint = cluster.node(0).clientUrl();
            // etcd refuses membership changes until a quorum has been connected for a while after start.
            Member learner = await("member add").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                    .ignoreException(StatusRuntimeException.class)
                    .until(() -> call(anyEndpoint, channel -> ClusterGrpc.newBlockingStub(channel)
                            .memberAdd(MemberAddRequest.newBuilder().addPeerURLs(added.peerUrl()).setIsLearner(true)
                                    .build()).getMember()), member -> member.getIsLearner());
            cluster.join(added);
            awaitMoreAcknowledged(load, 100);
            await("promotion once the learner caught up").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(250)).ignoreException(StatusRuntimeException.class)
                    .until(() -> call(anyEndpoint, channel -> ClusterGrpc.newBlockingStub(channel)
                            .memberPromote(MemberPromoteRequest.newBuilder().setID(learner.getID()).build()))
                            != null);
            // The promotion is committed at the leader first; the new member refuses client calls as a learner
            // until it has applied it too.
            List<Member> members = await("the promoted member serves").atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(250)).ignoreException(StatusRuntimeException.class)
                    .until(() -> call(added.clientUrl(), channel -> ClusterGrpc.newBlockingStub(channel)
                            .memberList(MemberListRequest.newBuilder().setLinearizable(true).build())
                            .getMembersList()), list -> list != null);
            assertThat(members).hasSize(4).noneMatch(Member::getIsLearner);
            awaitMoreAcknowledged(load, 100);
            assertLinearizable(load.stop());
            assertMembersAgree(cluster);
        }
    }

    @Test
    void aPartitionedFollowerServesNoStaleReadAndCatchesUpWhenHealed() throws Exception {
        try (ClusterProcesses cluster = ClusterProcesses.start(dir, 3, List.of());
                ClusterHistoryRecorder load = new ClusterHistoryRecorder(cluster::clientUrls, SEED)) {
            load.start(4);
            awaitMoreAcknowledged(load, 150);
            ClusterProcesses.Node leader = cluster.awaitLeader();
            ClusterProcesses.Node cutOff = cluster.nodes().stream().filter(node -> node != leader).findFirst()
                    .orElseThrow();
            cluster.isolate(cutOff);
            // Clients of the cut-off member keep sending to it: its reads and writes must fail or wait, never
            // answer from its stale state — the checker sees every answer.
            awaitMoreAcknowledged(load, 150);
            cluster.heal(cutOff);
            awaitMoreAcknowledged(load, 100);
            assertLinearizable(load.stop());
            assertMembersAgree(cluster);
        }
    }

    @Test
    void anIsolatedLeaderStepsDownAndTheMajorityGoesOn() throws Exception {
        try (ClusterProcesses cluster = ClusterProcesses.start(dir, 3, List.of());
                ClusterHistoryRecorder load = new ClusterHistoryRecorder(cluster::clientUrls, SEED)) {
            load.start(4);
            awaitMoreAcknowledged(load, 150);
            ClusterProcesses.Node isolated = cluster.awaitLeader();
            cluster.isolate(isolated);
            await("the isolated leader steps down (check-quorum)").atMost(Duration.ofSeconds(30))
                    .until(() -> cluster.metric(isolated, "etcd_server_is_leader").orElse(1.0) == 0.0);
            await("the majority elects another leader").atMost(Duration.ofSeconds(30))
                    .until(() -> cluster.nodes().stream().filter(node -> node != isolated)
                            .anyMatch(node -> cluster.metric(node, "etcd_server_is_leader").orElse(0.0) == 1.0));
            awaitMoreAcknowledged(load, 150);
            cluster.heal(isolated);
            awaitMoreAcknowledged(load, 100);
            assertLinearizable(load.stop());
            assertMembersAgree(cluster);
        }
    }

    /**
     * K-3: a leader frozen (SIGSTOP) past the election timeout is replaced; once it thaws it still believes it leads,
     * but a linearizable read it serves must not return what it had before the new leader's write — ReadIndex makes
     * it check with a quorum first, and the quorum tells it of the newer term.
     */
    @Test
    void k03_aFrozenLeaderThatThawsServesNoStaleRead() throws Exception {
        try (ClusterProcesses cluster = ClusterProcesses.start(dir, 3, List.of())) {
            ClusterProcesses.Node frozen = cluster.awaitLeader();
            call(frozen.clientUrl(), channel -> KVGrpc.newBlockingStub(channel).put(
                    dev.cairn.kvnode.proto.etcdserverpb.PutRequest.newBuilder().setKey(key("k")).setValue(key("old"))
                            .build()));
            cluster.pause(frozen);
            try {
                ClusterProcesses.Node successor = await("a new leader among the others").atMost(Duration.ofSeconds(30))
                        .until(() -> cluster.nodes().stream().filter(node -> node != frozen)
                                .filter(node -> cluster.metric(node, "etcd_server_is_leader").orElse(0.0) == 1.0)
                                .findFirst(), java.util.Optional::isPresent).orElseThrow();
                call(successor.clientUrl(), channel -> KVGrpc.newBlockingStub(channel).put(
                        dev.cairn.kvnode.proto.etcdserverpb.PutRequest.newBuilder().setKey(key("k"))
                                .setValue(key("new")).build()));
            } finally {
                cluster.resume(frozen);
            }
            String seen;
            try {
                seen = call(frozen.clientUrl(), channel -> KVGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(10, TimeUnit.SECONDS)
                        .range(RangeRequest.newBuilder().setKey(key("k")).build()).getKvs(0).getValue()
                        .toStringUtf8());
            } catch (StatusRuntimeException refused) {
                seen = "refused: " + refused.getStatus();
            }
            assertThat(seen).as("a linearizable read on the thawed leader").isNotEqualTo("old");
        }
    }

    private static ByteString key(String text) {
        return ByteString.copyFromUtf8(text);
    }

    private static void awaitMoreAcknowledged(ClusterHistoryRecorder load, int more) {
        int target = load.acknowledged() + more;
        await(more + " more acknowledged operations (seed " + SEED + ")").atMost(Duration.ofSeconds(60))
                .until(() -> load.acknowledged() >= target);
    }

    private static void assertLinearizable(List<Operation<EtcdKvModel.Request, EtcdKvModel.Reply>> history) {
        CheckResult<EtcdKvModel.Request, EtcdKvModel.Reply> result = LinearizabilityChecker.check(new EtcdKvModel(),
                history, Duration.ofMinutes(2));
        assertThat(result.verdict()).as("history of %d operations, seed %d (replay with -Dcluster.seed=%d):%n%s",
                history.size(), SEED, SEED, result.explain()).isEqualTo(CheckResult.Verdict.OK);
    }

    /** Once quiet, every running member serves the same keys at the same revision from its own store. */
    private static void assertMembersAgree(ClusterProcesses cluster) {
        List<String> running = cluster.nodes().stream().filter(ClusterProcesses.Node::isRunning)
                .map(ClusterProcesses.Node::clientUrl).toList();
        MembersAgree.await(() -> running, running.size(), Duration.ofSeconds(30));
    }

}
