package dev.cairn.operator.api;

import io.fabric8.crd.generator.annotation.PrinterColumn;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What the operator saw of a backup. Times are RFC 3339. {@code checksum} is the SHA-256 the backup file ends with,
 * in hex as {@code sha256sum} prints it; {@code location} is {@code pvc://<claim>/<file>}, which
 * {@code spec.bootstrap.fromBackup.location} of a KVCluster accepts.
 */
public class KVBackupStatus {

    public static final String CONDITION_COMPLETE = "Complete";
    public static final String CONDITION_FAILED = "Failed";

    @PrinterColumn(name = "Phase")
    private BackupPhase phase;

    /** Bytes of the backup file. */
    private Long size;

    @PrinterColumn(name = "Revision")
    private Long revision;

    private String checksum;

    private String location;

    private String startTime;

    private String completionTime;

    /** Jobs started so far, the running one included. */
    private Integer attempts;

    /** Why the last attempt failed; empty after a success. */
    private String reason;

    /** When the next attempt starts (while Retrying). */
    private String nextAttemptTime;

    /** The Job of the current or last attempt. */
    private String job;

    private List<Condition> conditions = new ArrayList<>();

    public BackupPhase getPhase() {
        return phase;
    }

    public void setPhase(BackupPhase phase) {
        this.phase = phase;
    }

    public Long getSize() {
        return size;
    }

    public void setSize(Long size) {
        this.size = size;
    }

    public Long getRevision() {
        return revision;
    }

    public void setRevision(Long revision) {
        this.revision = revision;
    }

    public String getChecksum() {
        return checksum;
    }

    public void setChecksum(String checksum) {
        this.checksum = checksum;
    }

    public String getLocation() {
        return location;
    }

    public void setLocation(String location) {
        this.location = location;
    }

    public String getStartTime() {
        return startTime;
    }

    public void setStartTime(String startTime) {
        this.startTime = startTime;
    }

    public String getCompletionTime() {
        return completionTime;
    }

    public void setCompletionTime(String completionTime) {
        this.completionTime = completionTime;
    }

    public Integer getAttempts() {
        return attempts;
    }

    public void setAttempts(Integer attempts) {
        this.attempts = attempts;
    }

    public String getReason() {
        return reason;
    }

    public void setReason(String reason) {
        this.reason = reason;
    }

    public String getNextAttemptTime() {
        return nextAttemptTime;
    }

    public void setNextAttemptTime(String nextAttemptTime) {
        this.nextAttemptTime = nextAttemptTime;
    }

    public String getJob() {
        return job;
    }

    public void setJob(String job) {
        this.job = job;
    }

    public List<Condition> getConditions() {
        return conditions;
    }

    public void setConditions(List<Condition> conditions) {
        this.conditions = conditions;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KVBackupStatus other
                && phase == other.phase
                && Objects.equals(size, other.size)
                && Objects.equals(revision, other.revision)
                && Objects.equals(checksum, other.checksum)
                && Objects.equals(location, other.location)
                && Objects.equals(startTime, other.startTime)
                && Objects.equals(completionTime, other.completionTime)
                && Objects.equals(attempts, other.attempts)
                && Objects.equals(reason, other.reason)
                && Objects.equals(nextAttemptTime, other.nextAttemptTime)
                && Objects.equals(job, other.job)
                && Objects.equals(conditions, other.conditions);
    }

    @Override
    public int hashCode() {
        return Objects.hash(phase, size, revision, checksum, location, startTime, completionTime, attempts, reason,
                nextAttemptTime, job, conditions);
    }
}
