package dev.cairn.operator.resources;

import dev.cairn.operator.api.KVCluster;
import dev.cairn.operator.api.KVClusterSpec;
import dev.cairn.operator.api.PodTemplateOverrides;
import dev.cairn.operator.api.StorageSpec;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The StatefulSet that runs a cluster's members.
 *
 * <p>Pods start in parallel, because a new cluster's members must all be up to elect a leader. Updates are
 * {@code OnDelete}: Kubernetes never restarts a member on its own; the operator will roll members one at a time
 * once it can check quorum between steps.
 */
public final class DesiredStatefulSet {

    public static final String CONTAINER = "kvnode";
    public static final String DATA_VOLUME = "data";
    public static final String DEFAULT_IMAGE_REPOSITORY = "cairn/kvnode";

    private DesiredStatefulSet() {
    }

    public static StatefulSet of(KVCluster cluster) {
        String name = cluster.getMetadata().getName();
        KVClusterSpec spec = cluster.getSpec();
        ClusterAddresses addresses = ClusterAddresses.of(cluster);
        return new StatefulSetBuilder()
                .withMetadata(Ownership.metadata(cluster, name))
                .withNewSpec()
                    .withServiceName(addresses.peerServiceName())
                    .withReplicas(spec.getReplicas())
                    .withPodManagementPolicy("Parallel")
                    .withNewUpdateStrategy().withType("OnDelete").endUpdateStrategy()
                    .withNewSelector().withMatchLabels(KvnodeLabels.selector(name)).endSelector()
                    .withTemplate(podTemplate(cluster, addresses))
                    .withVolumeClaimTemplates(dataClaim(spec.getStorage()))
                .endSpec()
                .build();
    }

    public static String image(KVClusterSpec spec) {
        if (spec.getImage() != null && !spec.getImage().isBlank()) {
            return spec.getImage();
        }
        return DEFAULT_IMAGE_REPOSITORY + ":" + spec.getVersion();
    }

    private static PodTemplateSpec podTemplate(KVCluster cluster, ClusterAddresses addresses) {
        String name = cluster.getMetadata().getName();
        PodTemplateOverrides overrides = Objects.requireNonNullElseGet(
                cluster.getSpec().getPodTemplate(), PodTemplateOverrides::new);
        // The user's labels first, ours over them: the selector labels must stay on every pod.
        Map<String, String> labels = new LinkedHashMap<>();
        if (overrides.getLabels() != null) {
            labels.putAll(overrides.getLabels());
        }
        labels.putAll(KvnodeLabels.all(name));
        return new PodTemplateSpecBuilder()
                .withNewMetadata()
                    .withLabels(labels)
                    .withAnnotations(overrides.getAnnotations())
                .endMetadata()
                .withNewSpec()
                    .withContainers(container(cluster.getSpec(), addresses))
                    .withAffinity(overrides.getAffinity())
                    .withTolerations(overrides.getTolerations())
                    .withNodeSelector(overrides.getNodeSelector())
                    // Long enough for a leader to hand over leadership and flush its WAL on SIGTERM.
                    .withTerminationGracePeriodSeconds(30L)
                .endSpec()
                .build();
    }

    private static Container container(KVClusterSpec spec, ClusterAddresses addresses) {
        return new ContainerBuilder()
                .withName(CONTAINER)
                .withImage(image(spec))
                .withCommand(KvnodeCommandLine.command())
                .withArgs(KvnodeCommandLine.args(addresses))
                .withEnv(
                        new EnvVarBuilder().withName(KvnodeCommandLine.POD_NAME)
                                .withNewValueFrom().withNewFieldRef().withFieldPath("metadata.name").endFieldRef()
                                .endValueFrom().build(),
                        new EnvVarBuilder().withName(KvnodeCommandLine.POD_NAMESPACE)
                                .withNewValueFrom().withNewFieldRef().withFieldPath("metadata.namespace").endFieldRef()
                                .endValueFrom().build())
                .addNewPort().withName("client").withContainerPort(KvnodePorts.CLIENT).endPort()
                .addNewPort().withName("peer").withContainerPort(KvnodePorts.PEER).endPort()
                .addNewPort().withName("metrics").withContainerPort(KvnodePorts.METRICS).endPort()
                .addNewVolumeMount().withName(DATA_VOLUME).withMountPath(KvnodeCommandLine.DATA_MOUNT).endVolumeMount()
                .withResources(spec.getResources())
                .withReadinessProbe(readinessProbe())
                .withLivenessProbe(livenessProbe())
                .build();
    }

    /** Ready means the member serves linearizable requests: it has a leader and has caught up. */
    private static Probe readinessProbe() {
        return new ProbeBuilder()
                .withNewHttpGet().withPath("/health").withPort(new IntOrString(KvnodePorts.METRICS)).endHttpGet()
                .withPeriodSeconds(5)
                .withFailureThreshold(3)
                .build();
    }

    /**
     * Alive only asks the member itself (serializable): a member of a cluster without quorum is still alive, and
     * restarting it would not bring quorum back. Lenient, so a member replaying a long WAL is not killed.
     */
    private static Probe livenessProbe() {
        return new ProbeBuilder()
                .withNewHttpGet().withPath("/health?serializable=true").withPort(new IntOrString(KvnodePorts.METRICS))
                .endHttpGet()
                .withInitialDelaySeconds(10)
                .withPeriodSeconds(10)
                .withTimeoutSeconds(5)
                .withFailureThreshold(8)
                .build();
    }

    private static PersistentVolumeClaim dataClaim(StorageSpec storage) {
        StorageSpec effective = Objects.requireNonNullElseGet(storage, StorageSpec::new);
        String size = Objects.requireNonNullElse(effective.getSize(), StorageSpec.DEFAULT_SIZE);
        return new PersistentVolumeClaimBuilder()
                .withNewMetadata().withName(DATA_VOLUME).endMetadata()
                .withNewSpec()
                    .withAccessModes("ReadWriteOnce")
                    .withStorageClassName(effective.getStorageClassName())
                    .withNewResources().addToRequests("storage", new Quantity(size)).endResources()
                .endSpec()
                .build();
    }
}
