package dev.cairn.operator.members;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.cairn.operator.members.LocalEtcdCluster.PlannedMember;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link EtcdClusterMembers} against a real 3-member etcd on loopback ports. One cluster serves the whole class
 * (starting one takes seconds); the tests run in order because the membership tests change it: scale-up to four
 * members comes before a removal back to three.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterMembersIT {
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(5);

    @TempDir
    static Path workDir;

    private static LocalEtcdCluster etcd;
    private static ClusterMembers members;

    @BeforeAll
    static void startCluster() throws IOException {
        etcd = LocalEtcdCluster.start(workDir.resolve("etcd"), 3);
        members = new EtcdClusterMembers(etcd.clientUrls(), CALL_TIMEOUT, Duration.ofMinutes(1));
    }

    @AfterAll
    static void stopCluster() {
        try {
            if (members != null) {
                members.close();
            }
        } finally {
            if (etcd != null) {
                etcd.close();
            }
        }
    }

    @Test
    @Order(1)
    void listShowsThreeStartedVoters() {
        List<Member> list = members.list();

        assertThat(list).hasSize(3).allSatisfy(member -> {
            assertThat(member.learner()).isFalse();
            assertThat(member.started()).isTrue();
            PlannedMember launched = etcd.member(member.name());
            assertThat(launched).as("a member the test launched, named %s", member.name()).isNotNull();
            assertThat(member.peerUrls()).containsExactly(launched.peerUrl());
            assertThat(member.clientUrls()).containsExactly(launched.clientUrl());
        });
        assertThat(list).extracting(Member::name).containsExactlyInAnyOrder("m1", "m2", "m3");
    }

    @Test
    @Order(2)
    void statusOfEachEndpointAgreesOnOneLeader() {
        List<Long> ids = members.list().stream().map(Member::id).toList();

        List<MemberStatus> statuses = etcd.clientUrls().stream().map(members::status).toList();

        assertThat(statuses).allSatisfy(status -> {
            assertThat(status.memberId()).isIn(ids);
            assertThat(status.version()).startsWith("3.");
            assertThat(status.dbSize()).isPositive();
            assertThat(status.dbSizeInUse()).isPositive().isLessThanOrEqualTo(status.dbSize());
            assertThat(status.raftTerm()).isPositive();
            assertThat(status.raftIndex()).isPositive();
            assertThat(status.raftAppliedIndex()).isPositive();
            assertThat(status.learner()).isFalse();
            assertThat(status.errors()).isEmpty();
        });
        assertThat(statuses).extracting(MemberStatus::memberId).doesNotHaveDuplicates();
        assertThat(statuses).extracting(MemberStatus::leaderId).containsOnly(statuses.get(0).leaderId());
        assertThat(statuses).filteredOn(MemberStatus::isLeader).hasSize(1);
    }

    /**
     * etcd serves {@code /version} on its client URLs (kvnode on its metrics URL, which the reconciler asks): etcd's
     * two fields are read, and with no Cairn cluster version there is none to report.
     */
    @Test
    @Order(2)
    void versionsReadsEtcdsVersionEndpoint() {
        MemberVersions versions = members.versions(etcd.clientUrls().get(0));

        assertThat(versions.etcdServer()).startsWith("3.");
        assertThat(versions.etcdCluster()).matches("3\\.\\d+\\.0");
        assertThat(versions.cairn()).isNull();
        assertThat(versions.clusterVersion()).isEmpty();
        assertThatThrownBy(() -> members.versions("http://127.0.0.1:1"))
                .isInstanceOf(ClusterMembersException.Unavailable.class);
    }

    @Test
    @Order(3)
    void moveLeaderHandsLeadershipToTheChosenFollower() {
        MemberStatus follower = etcd.clientUrls().stream().map(members::status)
                .filter(status -> !status.isLeader()).findFirst().orElseThrow();

        members.moveLeader(follower.memberId());

        await("every member reports %x as leader".formatted(follower.memberId()))
                .atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> {
                    assertThat(members.status(follower.endpoint()).isLeader()).isTrue();
                    assertThat(etcd.clientUrls()).allSatisfy(url ->
                            assertThat(members.status(url).leaderId()).isEqualTo(follower.memberId()));
                });
    }

    @Test
    @Order(4)
    void snapshotWritesAFileEtcdctlCanRead() throws IOException {
        assertThat(EtcdCtl.run(ExternalBinary.require("etcdctl"), "--endpoints", etcd.clientUrls().get(0),
                "put", "backup/probe", "present").exitCode()).isZero();
        Path file = workDir.resolve("snapshot.db");

        SnapshotResult result;
        try (OutputStream out = Files.newOutputStream(file)) {
            result = members.snapshot(out);
        }

        assertThat(result.bytes()).isPositive().isEqualTo(Files.size(file));
        EtcdCtl.Result status = EtcdCtl.run(ExternalBinary.require("etcdctl"), "snapshot", "status",
                file.toString(), "--write-out", "json");
        assertThat(status.exitCode()).as(status.output()).isZero();
        Matcher revision = Pattern.compile("\"revision\":(\\d+)").matcher(status.output());
        assertThat(revision.find()).as(status.output()).isTrue();
        assertThat(Long.parseLong(revision.group(1))).isPositive();
        // etcd 3.4 sends no header with the stream; where a server does, it must be the file's revision.
        result.revision().ifPresent(rev -> assertThat(rev).isEqualTo(Long.parseLong(revision.group(1))));
    }

    @Test
    @Order(5)
    void learnerJoinsAndIsPromotedOnceCaughtUp() throws IOException {
        PlannedMember fourth = LocalEtcdCluster.plan("m4");

        Member learner = onceSettled(() -> members.addLearner(List.of(fourth.peerUrl())));

        assertThat(learner.learner()).isTrue();
        assertThat(learner.started()).isFalse();
        assertThat(learner.peerUrls()).containsExactly(fourth.peerUrl());
        assertThat(members.list()).filteredOn(Member::learner).extracting(Member::id).containsExactly(learner.id());
        // Not running yet, so certainly not in sync: promote must be refused, and say why.
        assertThatThrownBy(() -> members.promote(learner.id()))
                .isInstanceOf(ClusterMembersException.LearnerNotReady.class)
                .hasMessageContaining("in sync with leader");

        etcd.startJoining(fourth);
        await("learner %x is promoted once it has caught up".formatted(learner.id()))
                .atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> promoted(learner.id()));

        List<Member> list = members.list();
        assertThat(list).hasSize(4).noneMatch(Member::learner);
        assertThat(list).filteredOn(member -> member.id() == learner.id()).singleElement()
                .satisfies(member -> {
                    assertThat(member.name()).isEqualTo("m4");
                    assertThat(member.clientUrls()).containsExactly(fourth.clientUrl());
                });
        assertThatThrownBy(() -> members.promote(learner.id()))
                .isInstanceOf(ClusterMembersException.NotALearner.class);
    }

    @Test
    @Order(6)
    void removedMemberLeavesTheList() {
        long leaderId = members.status(etcd.clientUrls().get(0)).leaderId();
        Member victim = members.list().stream().filter(member -> member.id() != leaderId).findFirst().orElseThrow();

        onceSettled(() -> {
            members.remove(victim.id());
            return victim;
        });
        etcd.stop(victim.name());

        assertThat(members.list()).hasSize(etcd.members().size()).extracting(Member::id).doesNotContain(victim.id());
        assertThatThrownBy(() -> members.remove(victim.id()))
                .isInstanceOf(ClusterMembersException.MemberNotFound.class)
                .hasMessageContaining("member not found");
        // An id that never existed, not the removed one: etcd 3.4 followers forward a promote to the leader and
        // retry on its "ID removed" answer until the deadline, so a removed id comes back as Unavailable there.
        long neverAMember = 0x1234L;
        assertThat(members.list()).extracting(Member::id).doesNotContain(neverAMember);
        assertThatThrownBy(() -> members.promote(neverAMember))
                .isInstanceOf(ClusterMembersException.MemberNotFound.class);
    }

    @Test
    @Order(7)
    void unreachableEndpointsAreSkippedAndReportedWhenNoneAnswers() {
        String nobody = "http://127.0.0.1:" + FreePorts.next();
        List<String> deadFirst = new ArrayList<>(List.of(nobody));
        deadFirst.addAll(etcd.clientUrls());

        try (ClusterMembers failingOver = new EtcdClusterMembers(deadFirst, CALL_TIMEOUT, CALL_TIMEOUT)) {
            assertThat(failingOver.list()).hasSize(etcd.members().size());
            assertThatThrownBy(() -> failingOver.status(nobody))
                    .isInstanceOf(ClusterMembersException.Unavailable.class);
        }
        try (ClusterMembers nothingUp = new EtcdClusterMembers(List.of(nobody), CALL_TIMEOUT, CALL_TIMEOUT)) {
            assertThatThrownBy(nothingUp::list).isInstanceOf(ClusterMembersException.Unavailable.class)
                    .hasMessageContaining(nobody);
        }
    }

    /**
     * Runs a membership change once etcd accepts it. etcd refuses changes with "unhealthy cluster" (Unavailable) until
     * the member handling them has been connected to every voter for 5 s (its HealthInterval): right after the
     * cluster started, or after a member joined. The operator meets the same refusal and simply reconciles later.
     */
    private static <T> T onceSettled(Supplier<T> change) {
        AtomicReference<T> result = new AtomicReference<>();
        await("etcd accepts the membership change").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> {
                    try {
                        result.set(change.get());
                        return true;
                    } catch (ClusterMembersException.Unavailable e) {
                        if (e.getMessage().contains("unhealthy cluster")) {
                            return false;
                        }
                        throw e;
                    }
                });
        return result.get();
    }

    private static boolean promoted(long id) {
        try {
            members.promote(id);
            return true;
        } catch (ClusterMembersException.LearnerNotReady stillCatchingUp) {
            return false;
        }
    }
}
