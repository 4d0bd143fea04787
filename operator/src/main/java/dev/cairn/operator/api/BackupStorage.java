package dev.cairn.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;

/**
 * The PersistentVolumeClaim backup files are written to, one file per KVBackup ({@code <backup>.db} at the root of
 * the volume). The operator creates the claim when it does not exist, and never deletes it: backups must outlive
 * the cluster they were taken from.
 */
public class BackupStorage {

    public static final String DEFAULT_SIZE = "1Gi";

    @JsonPropertyDescription("Name of the claim; default <clusterName>-backups. An existing claim is used as it is.")
    private String claimName;

    @JsonPropertyDescription("Size of the claim when the operator creates it, a quantity such as 5Gi.")
    @Pattern(StorageSpec.SIZE_PATTERN)
    private String size;

    @JsonPropertyDescription("StorageClass of the claim when the operator creates it; empty means the cluster default."
            + " Restoring a cluster of several members reads the claim from every member's pod: pick a class with"
            + " ReadWriteMany or ReadOnlyMany, or keep the members on one node.")
    private String storageClassName;

    public String getClaimName() {
        return claimName;
    }

    public void setClaimName(String claimName) {
        this.claimName = claimName;
    }

    public String getSize() {
        return size;
    }

    public void setSize(String size) {
        this.size = size;
    }

    public String getStorageClassName() {
        return storageClassName;
    }

    public void setStorageClassName(String storageClassName) {
        this.storageClassName = storageClassName;
    }

    /** The claim a backup of {@code clusterName} goes to when {@code storage} (which may be null) names none. */
    public static String claimName(BackupStorage storage, String clusterName) {
        if (storage != null && storage.getClaimName() != null && !storage.getClaimName().isBlank()) {
            return storage.getClaimName();
        }
        return clusterName + "-backups";
    }
}
