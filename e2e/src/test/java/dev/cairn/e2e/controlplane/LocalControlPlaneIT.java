package dev.cairn.e2e.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cairn.kvnode.testing.MembersAgree;
import dev.cairn.kvnode.testing.linearizability.CheckResult;
import dev.cairn.kvnode.testing.linearizability.ClusterHistoryRecorder;
import dev.cairn.kvnode.testing.linearizability.EtcdKvModel;
import dev.cairn.kvnode.testing.linearizability.LinearizabilityChecker;
import dev.cairn.kvnode.testing.linearizability.Operation;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * {@code [timing]} lines (figures for docs/benchmarks.md; nothing here asserts a duration).
 */
class LocalControlPlaneIT {

    private static final long SEED = Long.getLong("cp.seed", new Random().nextLong());
    private static final String NAMESPACE = "runbook";
    private static final String NAME = "example";
    private static final Duration STEP = Duration.ofMinutes(Long.getLong("cp.step-minutes", 5));

    private static LocalControlPlane controlPlane;

    @BeforeAll
    static void startControlPlane() throws IOException {
        Path root = Path.of(System.getProperty("cairn.root", "..")).toAbsolutePath().normalize();
        Path work = Files.createDirectories(Path.of("target").toAbsolutePath())
                .resolve("control-plane-" + System.currentTimeMillis());
        // Not the demo's subnet, so a running demo and the tests can share a machine.
        System.setProperty("cairn.cp.subnet", System.getProperty("cairn.cp.subnet", "127.43.0"));
        long started = System.nanoTime();
        controlPlane = LocalControlPlane.start(ControlPlaneSettings.fromSystemProperties(root, work),
                root.resolve("crds"));
        timing("control plane up (API server, kubelet, operator ready)", started);
        System.out.println("[control-plane] work dir " + work.toAbsolutePath() + ", load seed " + SEED
                + " (replay with -Dcp.seed=" + SEED + ")");
    }

    @AfterAll
    static void stopControlPlane() {
        if (controlPlane != null) {
            controlPlane.close();
        }
    }

    @Test
    void aClusterLivesThroughKillScaleUpgradeAndReplacementWithoutLosingAWrite() throws Exception {
        controlPlane.client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NAMESPACE)
                .endMetadata().build()).create();
        KVClusterProbe probe = new KVClusterProbe(controlPlane, NAMESPACE, NAME);

        long created = System.nanoTime();
        kvClusters().resource(sample()).create();
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
            CheckResult<EtcdKvModel.Request, EtcdKvModel.Reply> result = LinearizabilityChecker.check(
                    new EtcdKvModel(), history, Duration.ofMinutes(2));
            assertThat(result.verdict()).as("history of %d operations, seed %d (replay with -Dcp.seed=%d):%n%s",
                    history.size(), SEED, SEED, result.explain()).isEqualTo(CheckResult.Verdict.OK);
        }
        assertMembersAgree(probe);
    }

    private static io.fabric8.kubernetes.client.dsl.MixedOperation<GenericKubernetesResource,
            io.fabric8.kubernetes.api.model.GenericKubernetesResourceList,
            io.fabric8.kubernetes.client.dsl.Resource<GenericKubernetesResource>> kvClusters() {
        return controlPlane.apiServer().customResources("kv.cairn.dev/v1alpha1", "KVCluster");
    }

    /** config/samples/kvcluster.yaml, as users apply it, in this test's namespace. */
    private static GenericKubernetesResource sample() throws IOException {
        Path root = Path.of(System.getProperty("cairn.root", ".."));
        try (InputStream in = Files.newInputStream(root.resolve("config/samples/kvcluster.yaml"))) {
            GenericKubernetesResource sample = Serialization.unmarshal(in, GenericKubernetesResource.class);
            sample.getMetadata().setNamespace(NAMESPACE);
            assertThat(sample.getMetadata().getName()).isEqualTo(NAME);
            return sample;
        }
    }

    @SuppressWarnings("unchecked")
    private static void setSpec(String field, Object value) {
        kvClusters().inNamespace(NAMESPACE).withName(NAME).edit(cluster -> {
            ((Map<String, Object>) cluster.getAdditionalProperties().get("spec")).put(field, value);
            return cluster;
        });
    }

    private static void awaitReady(KVClusterProbe probe, int members, String what) {
        await(what).atMost(STEP).pollInterval(Duration.ofMillis(500)).conditionEvaluationListener(condition -> {
            if (condition.getRemainingTimeInMS() <= 0) {
                System.out.println("[control-plane] not " + what + ": " + probe.describe());
            }
        }).until(() -> probe.readyWith(members));
    }

    private static void awaitMoreAcknowledged(ClusterHistoryRecorder load, int more) {
        int target = load.acknowledged() + more;
        await(more + " more acknowledged operations (seed " + SEED + ")").atMost(STEP)
                .until(() -> load.acknowledged() >= target);
    }

    private static void timing(String what, long startedNanos) {
        System.out.printf("[timing] %s: %.1f s%n", what, (System.nanoTime() - startedNanos) / 1e9);
    }

    /** Once quiet, every member serves the same keys at the same revision from its own store. */
    private static void assertMembersAgree(KVClusterProbe probe) {
        MembersAgree.await(probe::clientUrls, 3, Duration.ofSeconds(60));
    }

}
