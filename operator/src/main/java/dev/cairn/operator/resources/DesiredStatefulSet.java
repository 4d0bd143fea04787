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
import java.util.Optional;

/**
 * The StatefulSet that runs a cluster's members.
 *
 * <p>Pods start in parallel, because a new cluster's members must all be up to elect a leader. Updates are
 * {@code OnDelete}: Kubernetes never restarts a member on its own; the operator rolls members one at a time and
 * checks quorum between steps. The replicas are the operator's, not the spec's: they follow the member list one
 * member at a time, and {@code --initial-cluster} always names exactly the ordinals that exist, which is what a
 * member joining with state {@code existing} must be given.
 */
public final class DesiredStatefulSet {

    public static final String CONTAINER = "kvnode";
    public static final String DATA_VOLUME = "data";
    public static final String DEFAULT_IMAGE_REPOSITORY = "cairn/kvnode";
    /**
     * The group of the kvnode image's user (kvnode/Dockerfile). The image runs as a non-root user, and most volume
     * plugins mount a fresh volume owned by root: as the pods' fsGroup it makes the data volume writable.
     */
    public static final long KVNODE_GROUP = 10001L;

    private DesiredStatefulSet() {
    }

    /** The StatefulSet of a bootstrap: every member the spec asks for, started as a new cluster. */
    public static StatefulSet of(KVCluster cluster) {
        return of(cluster, cluster.getSpec().getReplicas(), InitialClusterState.NEW, Optional.empty());
    }

    /** The StatefulSet of a bootstrap whose members start from the backup {@code restoreFrom}, if present. */
    public static StatefulSet of(KVCluster cluster, Optional<BackupLocation> restoreFrom) {
        return of(cluster, cluster.getSpec().getReplicas(), InitialClusterState.NEW, restoreFrom);
    }

    public static StatefulSet of(KVCluster cluster, int replicas, InitialClusterState state) {
        return of(cluster, replicas, state, Optional.empty());
    }

    /**
     * @param restoreFrom the backup the members of a new cluster restore; read only while {@code state} is
     *                    {@code NEW}: a member that starts later joins the running cluster and must start empty
     */
    public static StatefulSet of(KVCluster cluster, int replicas, InitialClusterState state,
                                 Optional<BackupLocation> restoreFrom) {
        String name = cluster.getMetadata().getName();
        KVClusterSpec spec = cluster.getSpec();
        ClusterAddresses addresses = ClusterAddresses.of(cluster, replicas);
        PodTemplateSpec template = podTemplate(cluster, addresses, state);
        if (state == InitialClusterState.NEW && restoreFrom.isPresent()) {
            RestoreInitContainer.addTo(template.getSpec(), image(spec), addresses, restoreFrom.get());
        }
        template.getMetadata().getAnnotations().put(KvnodeAnnotations.POD_TEMPLATE_REVISION, revision(cluster));
        return new StatefulSetBuilder()
                .withMetadata(Ownership.metadata(cluster, name))
                .withNewSpec()
                    .withServiceName(addresses.peerServiceName())
                    .withReplicas(replicas)
                    .withPodManagementPolicy("Parallel")
                    .withNewUpdateStrategy().withType("OnDelete").endUpdateStrategy()
                    .withNewSelector().withMatchLabels(KvnodeLabels.selector(name)).endSelector()
                    .withTemplate(template)
                    .withVolumeClaimTemplates(dataClaim(name, spec.getStorage()))
                .endSpec()
                .build();
    }

    public static String image(KVClusterSpec spec) {
        if (spec.getImage() != null && !spec.getImage().isBlank()) {
            return spec.getImage();
        }
        return DEFAULT_IMAGE_REPOSITORY + ":" + spec.getVersion();
    }

    /**
     * The revision of the pod template: a change of version, image, resources or scheduling changes it, and pods
     * whose annotation differs are rolled. It is taken over the template as it would be for an empty cluster, so
     * the membership flags that follow the replicas (which a member with data ignores) never cause a restart; nor
     * does the restore init container, which only the bootstrap's template has.
     */
    public static String revision(KVCluster cluster) {
        return PodTemplateRevision.of(podTemplate(cluster, ClusterAddresses.of(cluster, 0), InitialClusterState.NEW));
    }

    private static PodTemplateSpec podTemplate(KVCluster cluster, ClusterAddresses addresses,
                                               InitialClusterState state) {
        String name = cluster.getMetadata().getName();
        PodTemplateOverrides overrides = Objects.requireNonNullElseGet(
                cluster.getSpec().getPodTemplate(), PodTemplateOverrides::new);
        // The user's labels first, ours over them: the selector labels must stay on every pod.
        Map<String, String> labels = new LinkedHashMap<>();
        if (overrides.getLabels() != null) {
            labels.putAll(overrides.getLabels());
        }
        labels.putAll(KvnodeLabels.all(name));
        Map<String, String> annotations = new LinkedHashMap<>();
        if (overrides.getAnnotations() != null) {
            annotations.putAll(overrides.getAnnotations());
        }
        return new PodTemplateSpecBuilder()
                .withNewMetadata()
                    .withLabels(labels)
                    .withAnnotations(annotations)
                .endMetadata()
                .withNewSpec()
                    .withContainers(container(cluster.getSpec(), addresses, state))
                    .withAffinity(overrides.getAffinity())
                    .withTolerations(overrides.getTolerations())
                    .withNodeSelector(overrides.getNodeSelector())
                    // OnRootMismatch: chown a large data volume once, not on every restart of the member.
                    .withNewSecurityContext()
                        .withFsGroup(KVNODE_GROUP)
                        .withFsGroupChangePolicy("OnRootMismatch")
                    .endSecurityContext()
                    // Long enough for a leader to hand over leadership and flush its WAL on SIGTERM.
                    .withTerminationGracePeriodSeconds(30L)
                .endSpec()
                .build();
    }

    private static Container container(KVClusterSpec spec, ClusterAddresses addresses, InitialClusterState state) {
        return new ContainerBuilder()
                .withName(CONTAINER)
                .withImage(image(spec))
                .withCommand(KvnodeCommandLine.command())
                .withArgs(KvnodeCommandLine.args(addresses, state))
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

    /** Labelled like every managed object, so the operator's informers see the claims the StatefulSet makes. */
    private static PersistentVolumeClaim dataClaim(String clusterName, StorageSpec storage) {
        StorageSpec effective = Objects.requireNonNullElseGet(storage, StorageSpec::new);
        String size = Objects.requireNonNullElse(effective.getSize(), StorageSpec.DEFAULT_SIZE);
        return new PersistentVolumeClaimBuilder()
                .withNewMetadata().withName(DATA_VOLUME).withLabels(KvnodeLabels.all(clusterName)).endMetadata()
                .withNewSpec()
                    .withAccessModes("ReadWriteOnce")
                    .withStorageClassName(effective.getStorageClassName())
                    .withNewResources().addToRequests("storage", new Quantity(size)).endResources()
                .endSpec()
                .build();
    }
}
