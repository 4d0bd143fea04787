package dev.cairn.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;

/**
 * Backups of a cluster on a schedule: at each time the cron expression names, the operator creates a KVBackup
 * {@code <cluster>-<yyyyMMdd-HHmm>} (UTC), and deletes the oldest scheduled ones beyond the retention.
 */
public class ScheduledBackupSpec {

    public static final int DEFAULT_RETENTION = 7;

    @JsonPropertyDescription("When to back up: a standard five-field cron expression in UTC, e.g. \"0 3 * * *\".")
    @Required
    private String schedule;

    @JsonPropertyDescription("How many successful scheduled backups to keep; older ones are deleted.")
    @Min(1)
    @Default("7")
    private Integer retention = DEFAULT_RETENTION;

    @JsonPropertyDescription("Volume the scheduled backups are written to; default: a claim <cluster>-backups.")
    private BackupStorage storage;

    public String getSchedule() {
        return schedule;
    }

    public void setSchedule(String schedule) {
        this.schedule = schedule;
    }

    public Integer getRetention() {
        return retention;
    }

    public void setRetention(Integer retention) {
        this.retention = retention;
    }

    public BackupStorage getStorage() {
        return storage;
    }

    public void setStorage(BackupStorage storage) {
        this.storage = storage;
    }
}
