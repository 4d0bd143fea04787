package dev.cairn.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;

/** The backup a new cluster restores: a succeeded KVBackup in its namespace, or a file on a claim. Exactly one. */
public class BackupSource {

    /** {@code pvc://<claim>/<file>}: what a KVBackup's {@code status.location} says. */
    public static final String LOCATION_PATTERN = "^pvc://[a-z0-9]([-a-z0-9.]*[a-z0-9])?/[^/].*$";

    @JsonPropertyDescription("Name of a KVBackup in this namespace whose phase is Succeeded.")
    private String backupName;

    @JsonPropertyDescription("A backup file on a claim in this namespace: pvc://<claim>/<file>, as a KVBackup's"
            + " status.location says.")
    @Pattern(LOCATION_PATTERN)
    private String location;

    public String getBackupName() {
        return backupName;
    }

    public void setBackupName(String backupName) {
        this.backupName = backupName;
    }

    public String getLocation() {
        return location;
    }

    public void setLocation(String location) {
        this.location = location;
    }
}
