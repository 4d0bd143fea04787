package dev.cairn.operator.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KVClusterSpecValidatorTest {

    private static KVClusterSpec validSpec() {
        KVClusterSpec spec = new KVClusterSpec();
        spec.setVersion("0.1.0");
        return spec;
    }

    @Test
    void defaultsAreValid() {
        assertThat(KVClusterSpecValidator.violations(validSpec())).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, 10, 12})
    void replicasOutsideOneToNineAreRefusedNamingTheField(int replicas) {
        KVClusterSpec spec = validSpec();
        spec.setReplicas(replicas);
        assertThat(KVClusterSpecValidator.violations(spec))
                .containsExactly("spec.replicas: must be between 1 and 9, got " + replicas);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 9})
    void replicasFromOneToNineAreAccepted(int replicas) {
        KVClusterSpec spec = validSpec();
        spec.setReplicas(replicas);
        assertThat(KVClusterSpecValidator.violations(spec)).isEmpty();
    }

    @Test
    void missingVersionIsRefused() {
        KVClusterSpec spec = validSpec();
        spec.setVersion(" ");
        assertThat(KVClusterSpecValidator.violations(spec)).singleElement().asString()
                .startsWith("spec.version: is required");
    }

    @ParameterizedTest
    @ValueSource(strings = {"lots", "-1Gi", "1 Gi", "1GB", "1e3", ""})
    void malformedStorageSizesAreRefused(String size) {
        KVClusterSpec spec = validSpec();
        spec.getStorage().setSize(size);
        assertThat(KVClusterSpecValidator.violations(spec))
                .containsExactly("spec.storage.size: must be a quantity such as 1Gi or 500Mi, got \"" + size + "\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1Gi", "500Mi", "2.5Gi", "10G", "100"})
    void wellFormedStorageSizesAreAccepted(String size) {
        KVClusterSpec spec = validSpec();
        spec.getStorage().setSize(size);
        assertThat(KVClusterSpecValidator.violations(spec)).isEmpty();
    }

    @Test
    void everyViolationIsReported() {
        KVClusterSpec spec = new KVClusterSpec();
        spec.setReplicas(12);
        spec.getStorage().setSize("big");
        assertThat(KVClusterSpecValidator.violations(spec)).hasSize(3);
    }

    @Test
    void missingSpecIsRefused() {
        assertThat(KVClusterSpecValidator.violations(null)).containsExactly("spec: is required");
    }

    @Test
    void aBackupScheduleMustBeACronExpression() {
        KVClusterSpec spec = validSpec();
        ScheduledBackupSpec backup = new ScheduledBackupSpec();
        backup.setSchedule("nightly");
        spec.setBackup(backup);

        assertThat(KVClusterSpecValidator.violations(spec)).singleElement().asString()
                .startsWith("spec.backup.schedule: must be a five-field cron expression");

        backup.setSchedule("0 3 * * *");
        assertThat(KVClusterSpecValidator.violations(spec)).isEmpty();
    }

    @Test
    void aRetentionBelowOneIsRefused() {
        KVClusterSpec spec = validSpec();
        ScheduledBackupSpec backup = new ScheduledBackupSpec();
        backup.setSchedule("0 3 * * *");
        backup.setRetention(0);
        spec.setBackup(backup);

        assertThat(KVClusterSpecValidator.violations(spec))
                .containsExactly("spec.backup.retention: must be at least 1, got 0");
    }

    @Test
    void aRestoreNamesExactlyOneSource() {
        KVClusterSpec spec = validSpec();
        BootstrapSpec bootstrap = new BootstrapSpec();
        BackupSource source = new BackupSource();
        bootstrap.setFromBackup(source);
        spec.setBootstrap(bootstrap);

        assertThat(KVClusterSpecValidator.violations(spec))
                .containsExactly("spec.bootstrap.fromBackup: must name exactly one of backupName and location");

        source.setBackupName("b");
        source.setLocation("pvc://c/b.db");
        assertThat(KVClusterSpecValidator.violations(spec))
                .containsExactly("spec.bootstrap.fromBackup: must name exactly one of backupName and location");

        source.setBackupName(null);
        assertThat(KVClusterSpecValidator.violations(spec)).isEmpty();

        source.setLocation("/backups/b.db");
        assertThat(KVClusterSpecValidator.violations(spec))
                .containsExactly("spec.bootstrap.fromBackup.location: must be pvc://<claim>/<file>, got \"/backups/b.db\"");
    }
}
