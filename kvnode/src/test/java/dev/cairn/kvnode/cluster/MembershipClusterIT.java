package dev.cairn.kvnode.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import dev.cairn.kvnode.proto.etcdserverpb.ClusterGrpc;
import dev.cairn.kvnode.proto.etcdserverpb.Member;
import dev.cairn.kvnode.proto.etcdserverpb.MemberAddRequest;
import dev.cairn.kvnode.proto.etcdserverpb.MemberAddResponse;
import dev.cairn.kvnode.proto.etcdserverpb.MemberListRequest;
import dev.cairn.kvnode.testing.ClusterProcesses;
import dev.cairn.kvnode.testing.OneShotChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Membership changes on real kvnode processes: scenario M-1 of raft-scenarios.md section C. */
class MembershipClusterIT {
    private static final String NOT_ENOUGH_STARTED =
            "etcdserver: re-configuration failed due to not enough started members";

    @TempDir
    Path dir;

    /**
     * M-1 (etcd's --strict-reconfig-check): with one of three members down, adding a fourth voter that has not started
     * would need three started voters of four, and only two are: the add is refused with etcd's error, and the
     * membership stays as it was. Once the stopped member is back, the same add is accepted — the refusal was about
     * started members, nothing else.
     */
    @Test
    void m01_aMemberAddThatWouldLeaveTooFewStartedMembersIsRefused() throws Exception {
        try (ClusterProcesses cluster = ClusterProcesses.start(dir, 3, List.of())) {
            ClusterProcesses.Node leader = cluster.awaitLeader();
            ClusterProcesses.Node down = cluster.nodes().stream().filter(node -> node != leader).findFirst()
                    .orElseThrow();
            cluster.kill(down);
            ClusterProcesses.Node added = cluster.prepareNewMember();

            // While the members have not been connected for etcd's health interval the answer is "unhealthy
            // cluster"; any success is a failure of the check.
            StatusRuntimeException refused = await("the add refused for want of started members")
                    .atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                    .until(() -> tryAdd(leader, added), error -> error != null
                            && error.getStatus().getDescription() != null
                            && error.getStatus().getDescription().contains("not enough started members"));
            assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
            assertThat(refused.getStatus().getDescription()).isEqualTo(NOT_ENOUGH_STARTED);
            assertThat(memberList(leader)).extracting(Member::getPeerURLsList)
                    .noneMatch(urls -> urls.contains(added.peerUrl())).hasSize(3);

            cluster.restart(down);
            MemberAddResponse accepted = await("the add accepted once three members are started")
                    .atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                    .ignoreException(StatusRuntimeException.class)
                    .until(() -> add(cluster.awaitLeader(), added), java.util.Objects::nonNull);
            assertThat(accepted.getMembersList()).hasSize(4);
            assertThat(accepted.getMember().getIsLearner()).isFalse();
        }
    }

    /** The add's error, or a test failure if it was accepted. */
    private static StatusRuntimeException tryAdd(ClusterProcesses.Node through, ClusterProcesses.Node added) {
        try {
            MemberAddResponse response = add(through, added);
            return fail("a fourth voter was added with one of three members down: " + response);
        } catch (StatusRuntimeException refused) {
            return refused;
        }
    }

    private static MemberAddResponse add(ClusterProcesses.Node through, ClusterProcesses.Node added) {
        return OneShotChannel.call(through.clientUrl(), channel -> ClusterGrpc.newBlockingStub(channel)
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .memberAdd(MemberAddRequest.newBuilder().addPeerURLs(added.peerUrl()).build()));
    }

    private static List<Member> memberList(ClusterProcesses.Node through) {
        return OneShotChannel.call(through.clientUrl(), channel -> ClusterGrpc.newBlockingStub(channel)
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .memberList(MemberListRequest.newBuilder().setLinearizable(true).build()).getMembersList());
    }
}
