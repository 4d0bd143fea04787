package dev.cairn.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** How a new cluster starts. Read only before its first member starts; changing it later changes nothing. */
public class BootstrapSpec {

    @JsonPropertyDescription("Start the new cluster with the data of a backup instead of empty.")
    private BackupSource fromBackup;

    public BackupSource getFromBackup() {
        return fromBackup;
    }

    public void setFromBackup(BackupSource fromBackup) {
        this.fromBackup = fromBackup;
    }
}
