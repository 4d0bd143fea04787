package dev.cairn.operator.api;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Checks a spec against the same rules the CRD schema states. Each violation names the field and says why, in the
 * form {@code spec.replicas: must be between 1 and 9, got 12}, so the message can go straight into a condition.
 */
public final class KVClusterSpecValidator {

    private static final Pattern STORAGE_SIZE = Pattern.compile(StorageSpec.SIZE_PATTERN);
    private static final Pattern LOCATION = Pattern.compile(BackupSource.LOCATION_PATTERN);

    private KVClusterSpecValidator() {
    }

    /** @return the violations, empty when the spec is valid. */
    public static List<String> violations(KVClusterSpec spec) {
        List<String> violations = new ArrayList<>();
        if (spec == null) {
            violations.add("spec: is required");
            return violations;
        }
        Integer replicas = spec.getReplicas();
        if (replicas == null) {
            violations.add("spec.replicas: is required");
        } else if (replicas < KVClusterSpec.MIN_REPLICAS || replicas > KVClusterSpec.MAX_REPLICAS) {
            violations.add("spec.replicas: must be between %d and %d, got %d"
                    .formatted(KVClusterSpec.MIN_REPLICAS, KVClusterSpec.MAX_REPLICAS, replicas));
        }
        if (spec.getVersion() == null || spec.getVersion().isBlank()) {
            violations.add("spec.version: is required, e.g. \"0.1.0\"");
        }
        StorageSpec storage = spec.getStorage();
        if (storage != null && storage.getSize() != null && !STORAGE_SIZE.matcher(storage.getSize()).matches()) {
            violations.add("spec.storage.size: must be a quantity such as 1Gi or 500Mi, got \"%s\""
                    .formatted(storage.getSize()));
        }
        ScheduledBackupSpec backup = spec.getBackup();
        if (backup != null) {
            try {
                CronSchedule.parse(backup.getSchedule());
            } catch (IllegalArgumentException e) {
                violations.add("spec.backup.schedule: must be a five-field cron expression such as \"0 3 * * *\", got"
                        + " \"%s\" (%s)".formatted(backup.getSchedule(), e.getMessage()));
            }
            if (backup.getRetention() != null && backup.getRetention() < 1) {
                violations.add("spec.backup.retention: must be at least 1, got " + backup.getRetention());
            }
        }
        BackupSource source = spec.getBootstrap() == null ? null : spec.getBootstrap().getFromBackup();
        if (source != null) {
            boolean named = source.getBackupName() != null && !source.getBackupName().isBlank();
            boolean located = source.getLocation() != null && !source.getLocation().isBlank();
            if (named == located) {
                violations.add("spec.bootstrap.fromBackup: must name exactly one of backupName and location");
            } else if (located && !LOCATION.matcher(source.getLocation()).matches()) {
                violations.add("spec.bootstrap.fromBackup.location: must be pvc://<claim>/<file>, got \"%s\""
                        .formatted(source.getLocation()));
            }
        }
        return violations;
    }
}
