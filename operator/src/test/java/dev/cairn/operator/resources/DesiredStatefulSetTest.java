package dev.cairn.operator.resources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.cairn.operator.TestClusters;
import dev.cairn.operator.api.KVCluster;
import dev.cairn.operator.api.PodTemplateOverrides;
import io.fabric8.kubernetes.api.model.AffinityBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DesiredStatefulSetTest {

    private final KVCluster cluster = TestClusters.stored("demo", "prod");

    private Container container(StatefulSet statefulSet) {
        return statefulSet.getSpec().getTemplate().getSpec().getContainers().get(0);
    }

    @Test
    void isOwnedAndLabelledLikeEveryManagedObject() {
        StatefulSet statefulSet = DesiredStatefulSet.of(cluster);

        assertThat(statefulSet.getMetadata().getName()).isEqualTo("demo");
        assertThat(statefulSet.getMetadata().getNamespace()).isEqualTo("prod");
        assertThat(statefulSet.getMetadata().getLabels()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "app.kubernetes.io/name", "kvnode",
                "app.kubernetes.io/instance", "demo",
                "app.kubernetes.io/managed-by", "cairn-operator"));
        assertThat(statefulSet.getMetadata().getOwnerReferences()).singleElement().satisfies(owner -> {
            assertThat(owner.getKind()).isEqualTo("KVCluster");
            assertThat(owner.getApiVersion()).isEqualTo("kv.cairn.dev/v1alpha1");
            assertThat(owner.getName()).isEqualTo("demo");
            assertThat(owner.getUid()).isEqualTo("uid-demo");
            assertThat(owner.getController()).isTrue();
        });
    }

    @Test
    void startsMembersInParallelAndLeavesRestartsToTheOperator() {
        StatefulSet statefulSet = DesiredStatefulSet.of(cluster);

        assertThat(statefulSet.getSpec().getServiceName()).isEqualTo("demo-peer");
        assertThat(statefulSet.getSpec().getReplicas()).isEqualTo(3);
        assertThat(statefulSet.getSpec().getPodManagementPolicy()).isEqualTo("Parallel");
        assertThat(statefulSet.getSpec().getUpdateStrategy().getType()).isEqualTo("OnDelete");
        assertThat(statefulSet.getSpec().getSelector().getMatchLabels())
                .containsExactlyInAnyOrderEntriesOf(KvnodeLabels.selector("demo"));
        assertThat(statefulSet.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds()).isEqualTo(30L);
    }

    @Test
    void dataVolumeIsWritableByTheImagesNonRootUser() {
        var securityContext = DesiredStatefulSet.of(cluster).getSpec().getTemplate().getSpec().getSecurityContext();

        assertThat(securityContext.getFsGroup()).isEqualTo(10001L);
        assertThat(securityContext.getFsGroupChangePolicy()).isEqualTo("OnRootMismatch");
    }

    @Test
    void runsKvnodeServeWithEtcdFlagsForEveryMember() {
        Container container = container(DesiredStatefulSet.of(cluster));

        assertThat(container.getName()).isEqualTo("kvnode");
        assertThat(container.getImage()).isEqualTo("cairn/kvnode:0.1.0");
        assertThat(container.getCommand()).containsExactly("kvnode", "serve");
        assertThat(container.getArgs()).containsExactly(
                "--name=$(POD_NAME)",
                "--data-dir=/var/lib/kvnode/data",
                "--listen-client-urls=http://0.0.0.0:2379",
                "--advertise-client-urls=http://$(POD_NAME).demo-peer.$(POD_NAMESPACE).svc:2379",
                "--listen-peer-urls=http://0.0.0.0:2380",
                "--initial-advertise-peer-urls=http://$(POD_NAME).demo-peer.$(POD_NAMESPACE).svc:2380",
                "--listen-metrics-urls=http://0.0.0.0:2381",
                "--initial-cluster=demo-0=http://demo-0.demo-peer.prod.svc:2380,"
                        + "demo-1=http://demo-1.demo-peer.prod.svc:2380,"
                        + "demo-2=http://demo-2.demo-peer.prod.svc:2380",
                "--initial-cluster-state=new",
                "--initial-cluster-token=prod-demo");
        assertThat(container.getEnv()).extracting(EnvVar::getName, e -> e.getValueFrom().getFieldRef().getFieldPath())
                .containsExactly(
                        tuple("POD_NAME", "metadata.name"),
                        tuple("POD_NAMESPACE", "metadata.namespace"));
        assertThat(container.getPorts()).extracting(ContainerPort::getName, ContainerPort::getContainerPort)
                .containsExactly(
                        tuple("client", 2379),
                        tuple("peer", 2380),
                        tuple("metrics", 2381));
        assertThat(container.getVolumeMounts()).singleElement().satisfies(mount -> {
            assertThat(mount.getName()).isEqualTo("data");
            assertThat(mount.getMountPath()).isEqualTo("/var/lib/kvnode");
        });
    }

    @Test
    void initialClusterListsOneEntryPerReplica() {
        cluster.getSpec().setReplicas(1);
        assertThat(container(DesiredStatefulSet.of(cluster)).getArgs())
                .contains("--initial-cluster=demo-0=http://demo-0.demo-peer.prod.svc:2380");
    }

    @Test
    void probesAskKvnodesHealthEndpointAndLivenessIsMoreLenient() {
        Container container = container(DesiredStatefulSet.of(cluster));

        assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/health");
        assertThat(container.getReadinessProbe().getHttpGet().getPort().getIntVal()).isEqualTo(2381);
        assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/health?serializable=true");
        assertThat(container.getLivenessProbe().getHttpGet().getPort().getIntVal()).isEqualTo(2381);
        assertThat(container.getLivenessProbe().getFailureThreshold())
                .isGreaterThan(container.getReadinessProbe().getFailureThreshold());
        assertThat(container.getLivenessProbe().getInitialDelaySeconds()).isPositive();
    }

    @Test
    void claimsTheRequestedStorage() {
        cluster.getSpec().getStorage().setSize("5Gi");
        cluster.getSpec().getStorage().setStorageClassName("fast");

        PersistentVolumeClaim claim = DesiredStatefulSet.of(cluster).getSpec().getVolumeClaimTemplates().get(0);

        assertThat(claim.getMetadata().getName()).isEqualTo("data");
        assertThat(claim.getSpec().getAccessModes()).containsExactly("ReadWriteOnce");
        assertThat(claim.getSpec().getStorageClassName()).isEqualTo("fast");
        assertThat(claim.getSpec().getResources().getRequests()).containsEntry("storage", new Quantity("5Gi"));
    }

    @Test
    void defaultsToOneGibibyteOnTheDefaultStorageClass() {
        cluster.getSpec().setStorage(null);

        PersistentVolumeClaim claim = DesiredStatefulSet.of(cluster).getSpec().getVolumeClaimTemplates().get(0);

        assertThat(claim.getSpec().getStorageClassName()).isNull();
        assertThat(claim.getSpec().getResources().getRequests()).containsEntry("storage", new Quantity("1Gi"));
    }

    @Test
    void imageOverrideWinsOverVersion() {
        cluster.getSpec().setImage("registry.example/kvnode:dev");
        assertThat(container(DesiredStatefulSet.of(cluster)).getImage()).isEqualTo("registry.example/kvnode:dev");
    }

    @Test
    void containerGetsTheRequestedResources() {
        cluster.getSpec().setResources(new ResourceRequirementsBuilder()
                .addToRequests("cpu", new Quantity("500m")).addToLimits("memory", new Quantity("1Gi")).build());

        assertThat(container(DesiredStatefulSet.of(cluster)).getResources())
                .isEqualTo(cluster.getSpec().getResources());
    }

    @Test
    void podTemplateOverridesAreAppliedButCannotReplaceTheSelectorLabels() {
        PodTemplateOverrides overrides = new PodTemplateOverrides();
        overrides.setLabels(Map.of("team", "storage", "app.kubernetes.io/instance", "hijack"));
        overrides.setAnnotations(Map.of("prometheus.io/scrape", "true"));
        overrides.setNodeSelector(Map.of("disk", "ssd"));
        overrides.setTolerations(List.of(new TolerationBuilder()
                .withKey("dedicated").withOperator("Equal").withValue("kv").withEffect("NoSchedule").build()));
        overrides.setAffinity(new AffinityBuilder().withNewPodAntiAffinity()
                .addNewPreferredDuringSchedulingIgnoredDuringExecution().withWeight(100)
                .withNewPodAffinityTerm().withTopologyKey("kubernetes.io/hostname").endPodAffinityTerm()
                .endPreferredDuringSchedulingIgnoredDuringExecution().endPodAntiAffinity().build());
        cluster.getSpec().setPodTemplate(overrides);

        var template = DesiredStatefulSet.of(cluster).getSpec().getTemplate();

        assertThat(template.getMetadata().getLabels())
                .containsEntry("team", "storage")
                .containsAllEntriesOf(KvnodeLabels.all("demo"));
        assertThat(template.getMetadata().getAnnotations()).containsEntry("prometheus.io/scrape", "true");
        assertThat(template.getSpec().getNodeSelector()).containsEntry("disk", "ssd");
        assertThat(template.getSpec().getTolerations()).isEqualTo(overrides.getTolerations());
        assertThat(template.getSpec().getAffinity()).isEqualTo(overrides.getAffinity());
    }
}
