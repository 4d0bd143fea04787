package dev.cairn.kvnode.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.cairn.kvnode.proto.etcdserverpb.Member;
import dev.cairn.kvnode.proto.etcdserverpb.MemberAddRequest;
import dev.cairn.kvnode.proto.etcdserverpb.MemberAddResponse;
import dev.cairn.kvnode.proto.internal.MemberAttributes;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three members in one JVM over {@link LocalNetwork}: bootstrap from the founders' flags, replication, and the Cluster
 * API's membership changes — learner add, catch-up and promote, removal — with etcd's refusals where a change is unsafe.
 */
class InProcessClusterTest {
    private static final dev.cairn.kvnode.server.Member.Settings SETTINGS = new dev.cairn.kvnode.server.Member.Settings(Duration.ofMillis(50), 10,
            Duration.ofSeconds(10), StorageOptions.DEFAULTS);

    @TempDir
    Path dir;

    private dev.cairn.kvnode.server.Member.Settings settings = SETTINGS;

    private final LocalNetwork network = new LocalNetwork();
    private final List<dev.cairn.kvnode.server.Member> started = new ArrayList<>();
    private final Map<String, List<URI>> initialCluster = new LinkedHashMap<>();

    @AfterEach
    void stop() {
        started.forEach(member -> {
            try {
                member.close();
            } catch (RuntimeException e) {
                // Already stopped (removed).
            }
        });
    }

    @Test
    void foundersElectALeaderReplicateAndListThemselvesByName() throws Exception {
        List<dev.cairn.kvnode.server.Member> members = startFounders("a", "b", "c");
        dev.cairn.kvnode.server.Member leader = awaitLeader(members);
        long revision = TestMembers.put(leader, "k", "v");
        for (dev.cairn.kvnode.server.Member member : members) {
            assertThat(TestMembers.values(TestMembers.readPrefix(member, "k"))).containsEntry("k", "v");
            assertThat(member.storage().store().currentRevision()).isGreaterThanOrEqualTo(revision);
        }
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(
                leader.cluster().list(true).get(10, TimeUnit.SECONDS).getMembersList())
                .extracting(Member::getName).containsExactlyInAnyOrder("a", "b", "c"));
        List<Member> listed = leader.cluster().list(true).get(10, TimeUnit.SECONDS).getMembersList();
        assertThat(listed).allSatisfy(member -> {
            assertThat(member.getIsLearner()).isFalse();
            assertThat(member.getPeerURLsList()).containsExactly(peerUrl(member.getName()).toString());
            assertThat(member.getClientURLsList()).containsExactly("http://" + member.getName() + ".client:2379");
        });
        assertThat(listed).extracting(Member::getID).isSortedAccordingTo(Long::compareUnsigned);
    }

    @Test
    void aLearnerJoinsCatchesUpAndIsPromotedOnlyOnceInSync() throws Exception {
        List<dev.cairn.kvnode.server.Member> members = startFounders("a", "b", "c");
        dev.cairn.kvnode.server.Member leader = awaitLeader(members);
        for (int i = 0; i < 200; i++) {
            TestMembers.put(leader, "key-" + i, "value-" + i);
        }
        network.backdateConnections();
        MemberAddResponse added = leader.cluster().add(MemberAddRequest.newBuilder()
                .addPeerURLs(peerUrl("d").toString()).setIsLearner(true).build()).get(10, TimeUnit.SECONDS);
        long learnerId = added.getMember().getID();
        assertThat(added.getMember().getIsLearner()).isTrue();
        assertThat(added.getMembersList()).hasSize(4);

        assertThatThrownBy(() -> leader.cluster().promote(learnerId).get(10, TimeUnit.SECONDS))
                .as("a learner that has not started holds none of the leader's log")
                .hasCauseInstanceOf(KvException.class).hasMessageContaining("in sync with leader");
        assertThatThrownBy(() -> leader.cluster().add(MemberAddRequest.newBuilder()
                .addPeerURLs("http://e.peer:2380").setIsLearner(true).build()))
                .hasMessageContaining("too many learner members");

        long clusterId = identityOf("a").clusterId();
        dev.cairn.kvnode.server.Member learner = startMember("d", ClusterIdentity.joining(clusterId, learnerId));
        await().atMost(Duration.ofSeconds(30)).until(() -> learner.node().appliedIndex()
                >= leader.node().committedIndex() && learner.storage().store().currentRevision() >= 201);
        assertThat(learner.node().isLearner()).isTrue();
        assertThat(TestMembers.values(TestMembers.readPrefix(learner, "key-1"))).containsEntry("key-199",
                "value-199");

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(
                leader.cluster().promote(learnerId).get(10, TimeUnit.SECONDS).getMembersList())
                .filteredOn(member -> member.getID() == learnerId).singleElement()
                .satisfies(member -> assertThat(member.getIsLearner()).isFalse()));
        await().atMost(Duration.ofSeconds(10)).until(() -> !learner.node().isLearner());
        assertThatThrownBy(() -> leader.cluster().promote(learnerId))
                .hasMessageContaining("can only promote a learner member");
        assertThat(TestMembers.put(learner, "after-promotion", "yes")).isGreaterThan(201);
    }

    @Test
    void aRemovedMemberStopsForGoodAndTheRestServeOn() throws Exception {
        List<dev.cairn.kvnode.server.Member> members = startFounders("a", "b", "c");
        dev.cairn.kvnode.server.Member leader = awaitLeader(members);
        network.backdateConnections();
        dev.cairn.kvnode.server.Member follower = members.stream().filter(m -> m != leader).findFirst()
                .orElseThrow();
        long followerId = follower.node().id();

        assertThat(leader.cluster().remove(followerId).get(10, TimeUnit.SECONDS).getMembersList())
                .extracting(Member::getID).doesNotContain(followerId).hasSize(2);
        assertThatThrownBy(() -> follower.node().terminated().get(10, TimeUnit.SECONDS))
                .hasCauseInstanceOf(MemberRemovedException.class);
        assertThatThrownBy(() -> leader.cluster().remove(followerId)).hasMessageContaining("member not found");
        assertThat(TestMembers.put(leader, "after-removal", "yes")).isPositive();
    }

    @Test
    void m01_changesThatWouldLeaveNoQuorumOfStartedMembersAreRefused() throws Exception {
        List<dev.cairn.kvnode.server.Member> members = startFounders("a", "b", "c");
        dev.cairn.kvnode.server.Member leader = awaitLeader(members);
        assertThatThrownBy(() -> leader.cluster().add(MemberAddRequest.newBuilder()
                .addPeerURLs(peerUrl("d").toString()).build()))
                .as("just started: not yet connected to a quorum for the health interval")
                .hasMessageContaining("unhealthy cluster");
        network.backdateConnections();
        List<dev.cairn.kvnode.server.Member> followers = members.stream().filter(m -> m != leader).toList();
        network.isolate(followers.get(0).node().id());
        // 3 voters, one down: a fourth unstarted voter would need 3 started of 4.
        assertThatThrownBy(() -> leader.cluster().add(MemberAddRequest.newBuilder()
                .addPeerURLs(peerUrl("d").toString()).build()))
                .hasMessageContaining("not enough started members");
        // Removing the healthy follower would leave one started voter of two.
        assertThatThrownBy(() -> leader.cluster().remove(followers.get(1).node().id()))
                .hasMessageContaining("not enough started members");
        assertThatThrownBy(() -> leader.cluster().add(MemberAddRequest.newBuilder()
                .addPeerURLs(peerUrl("a").toString()).setIsLearner(true).build()))
                .hasMessageContaining("Peer URLs already exists");
        assertThatThrownBy(() -> leader.cluster().add(MemberAddRequest.newBuilder()
                .addPeerURLs("not a url").setIsLearner(true).build()))
                .hasMessageContaining("given member URLs are invalid");
    }

    @Test
    void aFollowerCutOffWhileTheLogWasCompactedCatchesUpFromASnapshot() throws Exception {
        settings = SETTINGS.withStorage(StorageOptions.DEFAULTS.withSnapshotCount(40));
        List<dev.cairn.kvnode.server.Member> members = startFounders("a", "b", "c");
        dev.cairn.kvnode.server.Member leader = awaitLeader(members);
        dev.cairn.kvnode.server.Member lagging = members.stream().filter(m -> m != leader).findFirst()
                .orElseThrow();
        network.isolate(lagging.node().id());
        for (int i = 0; i < 300; i++) {
            TestMembers.put(leader, "key-" + i, "value-" + i);
        }
        TestMembers.put(leader, "compact-me", "x");
        long revision = leader.storage().store().currentRevision();
        await().atMost(Duration.ofSeconds(20)).until(() -> leader.storage().snapshotIndex() > 200);
        network.heal(lagging.node().id());

        await().atMost(Duration.ofSeconds(30)).until(() -> lagging.storage().store().currentRevision() >= revision);
        assertThat(lagging.storage().snapshotIndex()).as("caught up from a snapshot, not the log")
                .isGreaterThan(200);
        assertThat(everything(lagging)).isEqualTo(everything(leader));
        assertThat(lagging.membership().view().members()).isEqualTo(leader.membership().view().members());
        long after = TestMembers.put(leader, "after-snapshot", "yes");
        await().atMost(Duration.ofSeconds(10)).until(() -> lagging.storage().store().currentRevision() >= after);
        assertThat(TestMembers.values(TestMembers.readPrefix(lagging, "after-"))).containsEntry("after-snapshot",
                "yes");
    }

    private List<dev.cairn.kvnode.server.Member> startFounders(String... names) throws Exception {
        for (String name : names) {
            initialCluster.put(name, List.of(peerUrl(name)));
        }
        List<CompletableFuture<dev.cairn.kvnode.server.Member>> starting = new ArrayList<>();
        for (String name : names) {
            starting.add(CompletableFuture.supplyAsync(() -> startMember(name, identityOf(name))));
        }
        List<dev.cairn.kvnode.server.Member> members = new ArrayList<>();
        for (CompletableFuture<dev.cairn.kvnode.server.Member> member : starting) {
            members.add(member.get(60, TimeUnit.SECONDS));
        }
        return members;
    }

    private ClusterIdentity identityOf(String name) {
        return ClusterIdentity.bootstrap(name, initialCluster, "in-process");
    }

    private dev.cairn.kvnode.server.Member startMember(String name, ClusterIdentity identity) {
        try {
            dev.cairn.kvnode.server.Member member = dev.cairn.kvnode.server.Member.start(dir.resolve(name),
                    identity, settings, new SimpleMeterRegistry(), network.endpoint(identity.memberId()),
                    MemberAttributes.newBuilder().setMemberId(identity.memberId()).setName(name)
                            .addClientUrls("http://" + name + ".client:2379").build());
            synchronized (started) {
                started.add(member);
            }
            return member;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static dev.cairn.kvnode.server.Member awaitLeader(List<dev.cairn.kvnode.server.Member> members) {
        await().atMost(Duration.ofSeconds(20)).until(() -> members.stream()
                .anyMatch(member -> member.node().leader() == member.node().id()));
        return members.stream().filter(member -> member.node().leader() == member.node().id()).findFirst()
                .orElseThrow();
    }

    private static List<dev.cairn.kvnode.proto.mvccpb.KeyValue> everything(dev.cairn.kvnode.server.Member member) {
        com.google.protobuf.ByteString all = com.google.protobuf.ByteString.copyFrom(new byte[] {0});
        return member.storage().store().range(dev.cairn.kvnode.mvcc.KeyRange.of(all, all), 0, 0, false).kvs();
    }

    private static URI peerUrl(String name) {
        return URI.create("http://" + name + ".peer:2380");
    }

}
