package dev.cairn.operator.resources;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import java.util.ArrayList;
import java.util.List;

/**
 * The init container of a cluster restored from a backup: before kvnode starts, {@code kvnode snapshot restore}
 * makes the member's data directory out of the backup file, with the new cluster's membership.
 *
 * <p>Invariants: every member restores the same file with the same {@code --initial-cluster} and token, each as
 * itself ({@code --name} and peer URL are the ones its {@code kvnode serve} announces), so the members agree on the
 * cluster and member ids; a data directory that already holds a member is left alone
 * ({@code --skip-if-member-exists}), so a pod that restarts after the restore, or after it has taken writes, keeps
 * its data; the restore goes through a staging directory renamed into place, so a restore killed half-way is redone
 * rather than skipped. The backup volume is mounted read-only: a restore never changes a backup.
 */
public final class RestoreInitContainer {

    public static final String NAME = "restore";
    public static final String VOLUME = "backup";

    private RestoreInitContainer() {
    }

    static void addTo(PodSpec pod, String image, ClusterAddresses addresses, BackupLocation location) {
        List<Container> initContainers = new ArrayList<>(pod.getInitContainers());
        initContainers.add(container(image, addresses, location));
        pod.setInitContainers(initContainers);
        List<Volume> volumes = new ArrayList<>(pod.getVolumes());
        volumes.add(new VolumeBuilder().withName(VOLUME).withNewPersistentVolumeClaim()
                .withClaimName(location.claimName()).withReadOnly(true).endPersistentVolumeClaim().build());
        pod.setVolumes(volumes);
    }

    private static Container container(String image, ClusterAddresses addresses, BackupLocation location) {
        return new ContainerBuilder()
                .withName(NAME)
                .withImage(image)
                .withCommand("kvnode")
                .withArgs(args(addresses, location))
                .withEnv(new EnvVarBuilder().withName(KvnodeCommandLine.POD_NAME)
                                .withNewValueFrom().withNewFieldRef().withFieldPath("metadata.name").endFieldRef()
                                .endValueFrom().build(),
                        new EnvVarBuilder().withName(KvnodeCommandLine.POD_NAMESPACE)
                                .withNewValueFrom().withNewFieldRef().withFieldPath("metadata.namespace").endFieldRef()
                                .endValueFrom().build())
                .withTerminationMessagePolicy("FallbackToLogsOnError")
                .addNewVolumeMount().withName(DesiredStatefulSet.DATA_VOLUME).withMountPath(KvnodeCommandLine.DATA_MOUNT)
                .endVolumeMount()
                .addNewVolumeMount().withName(VOLUME).withMountPath(BackupLocation.MOUNT).withReadOnly(true)
                .endVolumeMount()
                .build();
    }

    /** The same name, membership, token and peer URL as the member's {@code kvnode serve} flags. */
    public static List<String> args(ClusterAddresses addresses, BackupLocation location) {
        return List.of("snapshot", "restore", location.mountedPath(),
                "--name=$(" + KvnodeCommandLine.POD_NAME + ")",
                "--data-dir=" + KvnodeCommandLine.DATA_DIR,
                "--initial-cluster=" + addresses.initialCluster(),
                "--initial-cluster-token=" + addresses.initialClusterToken(),
                "--initial-advertise-peer-urls=" + KvnodeCommandLine.ownPeerURL(addresses),
                "--skip-if-member-exists");
    }
}
