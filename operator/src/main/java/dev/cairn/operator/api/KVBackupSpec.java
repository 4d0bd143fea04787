package dev.cairn.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.PrinterColumn;
import io.fabric8.generator.annotation.Required;

/** Which cluster to back up, and onto which volume. */
public class KVBackupSpec {

    @JsonPropertyDescription("Name of the KVCluster, in the same namespace, to back up.")
    @Required
    @PrinterColumn(name = "Cluster")
    private String clusterName;

    @JsonPropertyDescription("Volume the backup file is written to; default: a claim <clusterName>-backups of 1Gi.")
    private BackupStorage storage;

    public String getClusterName() {
        return clusterName;
    }

    public void setClusterName(String clusterName) {
        this.clusterName = clusterName;
    }

    public BackupStorage getStorage() {
        return storage;
    }

    public void setStorage(BackupStorage storage) {
        this.storage = storage;
    }
}
