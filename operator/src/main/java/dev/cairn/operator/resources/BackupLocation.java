package dev.cairn.operator.resources;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a backup file is: a claim and a file at the root of its volume, written {@code pvc://<claim>/<file>} in a
 * KVBackup's status and in {@code spec.bootstrap.fromBackup.location}.
 */
public record BackupLocation(String claimName, String file) {

    /** Where Jobs and restoring pods mount the backup volume. */
    public static final String MOUNT = "/var/lib/cairn/backups";

    private static final Pattern SHAPE = Pattern.compile("^pvc://([a-z0-9]([-a-z0-9.]*[a-z0-9])?)/([^/].*)$");

    /** The file of a KVBackup: its name is unique in the namespace, so backups sharing a claim never collide. */
    public static BackupLocation ofBackup(String claimName, String backupName) {
        return new BackupLocation(claimName, backupName + ".db");
    }

    public static Optional<BackupLocation> parse(String location) {
        Matcher matcher = SHAPE.matcher(location == null ? "" : location);
        return matcher.matches() ? Optional.of(new BackupLocation(matcher.group(1), matcher.group(3)))
                : Optional.empty();
    }

    /** The file's path where {@link #MOUNT} mounts the claim. */
    public String mountedPath() {
        return MOUNT + "/" + file;
    }

    @Override
    public String toString() {
        return "pvc://" + claimName + "/" + file;
    }
}
