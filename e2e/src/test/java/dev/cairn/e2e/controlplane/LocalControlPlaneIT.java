package dev.cairn.e2e.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cairn.kvnode.testing.MembersAgree;
import dev.cairn.kvnode.testing.linearizability.CheckResult;
import dev.cairn.kvnode.testing.linearizability.ClusterHistoryRecorder;
import dev.cairn.kvnode.testing.linearizability.EtcdKvModel;
import dev.cairn.kvnode.testing.linearizability.LinearizabilityChecker;
import dev.cairn.kvnode.testing.linearizability.Operation;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The operator and kvnode together on the local control plane (embedded API server, the operator's packaged
 * application, the process kubelet), driven like a runbook under client load: create a 3-member cluster from the
 * sample, kill -9 the leader's pod, scale 3 to 5 to 3, roll an upgrade, lose a member's volume — and at the end the
 * clients' history (every acknowledged write and read) must be linearizable and the members must agree.
 *
 * <p>The load's seed is printed; replay with {@code -Dcp.seed=<n>}. Timings of the steps are printed as
 * {@code [timing]} lines (figures for docs/benchmarks.md; nothing here asserts a duration), with the longest time
 * the clients went without an acknowledged write during the rolling upgrade, read from their recorded history.
 */
class LocalControlPlaneIT {

    private static final long SEED = Long.getLong("cp.seed", new Random().nextLong());
    private static final String NAMESPACE = "runbook";
    private static final String NAME = "example";
    private static final Duration STEP = Duration.ofMinutes(Long.getLong("cp.step-minutes", 5));

    private static ScenarioControlPlane scenario;
    private static LocalControlPlane controlPlane;

    @BeforeAll
    static void startControlPlane() {
        // Not the demo's subnet, so a running demo and the tests can share a machine.
        scenario = ScenarioControlPlane.start("127.43.0", NAMESPACE);
        controlPlane = scenario.controlPlane();
        System.out.println("[control-plane] load seed " + SEED + " (replay with -Dcp.seed=" + SEED + ")");
    }

    @AfterAll
    static void stopControlPlane() {
        if (scenario != null) {
            scenario.close();
        }
    }

    @Test
    void aClusterLivesThroughKillScaleUpgradeAndReplacementWithoutLosingAWrite() throws Exception {
        KVClusterProbe probe = scenario.probe(NAME);

        long created = System.nanoTime();
        scenario.create("kvcluster.yaml", NAME);
        awaitReady(probe, 3, "the sample's 3 members Ready");
        timing("apply to Ready, 3 members", created);

        try (ClusterHistoryRecorder load = new ClusterHistoryRecorder(probe::clientUrls, SEED)) {
            load.start(3);
            awaitMoreAcknowledged(load, 100);

            // kill -9 of the leader's pod: the kubelet restarts it, another member leads meanwhile.
            Pod leader = await("a leader").atMost(STEP).until(probe::leader, java.util.Optional::isPresent)
                    .orElseThrow();
            String leaderPod = leader.getMetadata().getName();
            int restartsBefore = probe.restarts(leaderPod);
            long killed = System.nanoTime();
            assertThat(controlPlane.kubelet().kill(NAMESPACE, leaderPod, "kvnode")).as("SIGKILL to " + leaderPod)
                    .isTrue();
            await("the kubelet restarts " + leaderPod).atMost(STEP)
                    .until(() -> probe.restarts(leaderPod) > restartsBefore);
            awaitMoreAcknowledged(load, 100);
            awaitReady(probe, 3, "Ready again after the leader's kill");
            timing("leader killed to Ready again", killed);

            // Scale 3 -> 5 -> 3, one member at a time (the operator's steps).
            long up = System.nanoTime();
            setSpec("replicas", 5);
            awaitReady(probe, 5, "scaled up to 5");
            timing("scale 3 -> 5 (per member: half of it)", up);
            awaitMoreAcknowledged(load, 100);
            long down = System.nanoTime();
            setSpec("replicas", 3);
            awaitReady(probe, 3, "scaled down to 3");
            timing("scale 5 -> 3", down);
            assertThat(probe.pods()).extracting(p -> p.getMetadata().getName())
                    .containsExactlyInAnyOrder(NAME + "-0", NAME + "-1", NAME + "-2");
            awaitMoreAcknowledged(load, 100);

            // Rolling upgrade: a new version is a new image tag, which the kubelet maps to the same local build.
            long rolled = System.nanoTime();
            setSpec("version", "0.1.1");
            await("every pod runs cairn/kvnode:0.1.1 and the cluster is Ready").atMost(STEP.multipliedBy(2))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> probe.pods().stream().allMatch(p -> p.getSpec().getContainers().get(0).getImage()
                            .equals("cairn/kvnode:0.1.1")) && probe.readyWith(3));
            long rolledOut = System.nanoTime();
            timing("rolling upgrade of 3 members", rolled);
            // Running (above) is reported only once the members raised their cluster version to the new release.
            Map<String, Object> upgraded = probe.cluster().get("status");
            assertThat(upgraded.get("clusterVersion")).as("status.clusterVersion after the roll").isEqualTo("0.1.1");
            awaitMoreAcknowledged(load, 100);

            // A member loses its volume (its claim and pod are deleted): the operator replaces it. Ordinal 0, leader or
            // not: its client URL is the operator's first endpoint, and while it is a learner again every change the
            // operator sends must move on to another member.
            String lost = NAME + "-0";
            String claimName = "data-" + lost;
            String oldClaimUid = controlPlane.client().persistentVolumeClaims().inNamespace(NAMESPACE)
                    .withName(claimName).get().getMetadata().getUid();
            long replaced = System.nanoTime();
            controlPlane.client().persistentVolumeClaims().inNamespace(NAMESPACE).withName(claimName).delete();
            controlPlane.client().pods().inNamespace(NAMESPACE).withName(lost).delete();
            await(lost + " back on a new, empty volume and the cluster Ready").atMost(STEP.multipliedBy(2))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> {
                        PersistentVolumeClaim claim = controlPlane.client().persistentVolumeClaims()
                                .inNamespace(NAMESPACE).withName(claimName).get();
                        return claim != null && !claim.getMetadata().getUid().equals(oldClaimUid)
                                && probe.readyWith(3);
                    });
            timing("replacement of a member whose volume was lost", replaced);
            awaitMoreAcknowledged(load, 100);

            List<Operation<EtcdKvModel.Request, EtcdKvModel.Reply>> history = load.stop();
            System.out.printf("[timing] rolling upgrade: longest time without an acknowledged write: %.1f s%n",
                    new AcknowledgedWrites(history).longestGap(rolled, rolledOut).toNanos() / 1e9);
            CheckResult<EtcdKvModel.Request, EtcdKvModel.Reply> result = LinearizabilityChecker.check(
                    new EtcdKvModel(), history, Duration.ofMinutes(2));
            assertThat(result.verdict()).as("history of %d operations, seed %d (replay with -Dcp.seed=%d):%n%s",
                    history.size(), SEED, SEED, result.explain()).isEqualTo(CheckResult.Verdict.OK);
        }
        assertMembersAgree(probe);
    }

    private static void setSpec(String field, Object value) {
        scenario.setSpec(NAME, field, value);
    }

    private static void awaitReady(KVClusterProbe probe, int members, String what) {
        ScenarioControlPlane.awaitReady(probe, members, what, STEP);
    }

    private static void awaitMoreAcknowledged(ClusterHistoryRecorder load, int more) {
        int target = load.acknowledged() + more;
        await(more + " more acknowledged operations (seed " + SEED + ")").atMost(STEP)
                .until(() -> load.acknowledged() >= target);
    }

    private static void timing(String what, long startedNanos) {
        ScenarioControlPlane.timing(what, startedNanos);
    }

    /** Once quiet, every member serves the same keys at the same revision from its own store. */
    private static void assertMembersAgree(KVClusterProbe probe) {
        MembersAgree.await(probe::clientUrls, 3, Duration.ofSeconds(60));
    }

}
