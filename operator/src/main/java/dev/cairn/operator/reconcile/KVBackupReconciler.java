package dev.cairn.operator.reconcile;

import dev.cairn.operator.api.BackupPhase;
import dev.cairn.operator.api.BackupStorage;
import dev.cairn.operator.api.KVBackup;
import dev.cairn.operator.api.KVBackupStatus;
import dev.cairn.operator.api.KVCluster;
import dev.cairn.operator.plan.BackupAttempts;
import dev.cairn.operator.plan.BackupAttempts.Action;
import dev.cairn.operator.plan.BackupAttempts.JobState;
import dev.cairn.operator.resources.BackupLocation;
import dev.cairn.operator.resources.DesiredBackupClaim;
import dev.cairn.operator.resources.DesiredBackupDeletionJob;
import dev.cairn.operator.resources.DesiredBackupJob;
import dev.cairn.operator.resources.KvnodeLabels;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Takes one KVBackup: makes sure the backup claim exists, runs one Job per attempt, and records the outcome in the
 * status. What to do next is {@link BackupAttempts}'s decision; this class observes and acts.
 *
 * <p>Success: the Job's pod printed the report of {@code kvnode snapshot save --write-out=json} (see
 * {@link DesiredBackupJob}); its size, revision and SHA-256 go into the status with the file's location. Failure:
 * the reason (the last line of the pod's log, where kvnode prints its error) is recorded, and the next attempt
 * starts after an exponential back-off ({@code cairn.operator.backup-retry-base}, doubled per failure, at most
 * {@code backup-retry-cap}) until {@code backup-max-attempts} Jobs have failed. Succeeded and Failed are final.
 *
 * <p>Deletion (by a user, or by the schedule's retention) removes the file too: a finalizer holds the KVBackup while
 * a Job ({@link DesiredBackupDeletionJob}) deletes its file from the claim, in the image of the Job that saved it.
 * A KVBackup that never saved a file goes at once; one whose file cannot be deleted goes anyway, after a warning
 * that names the file, so that a lost claim cannot block deletion forever.
 */
@ControllerConfiguration(name = KVBackupReconciler.NAME)
public class KVBackupReconciler implements Reconciler<KVBackup>, Cleaner<KVBackup> {

    public static final String NAME = "kvbackup";

    private static final Logger LOG = Logger.getLogger(KVBackupReconciler.class);
    private static final String JOB_NAME_LABEL = "batch.kubernetes.io/job-name";
    private static final String LEGACY_JOB_NAME_LABEL = "job-name";

    private final BackupJobLogs logs;
    private final BackupClock clock;
    private final ReconcileSettings settings;

    public KVBackupReconciler(BackupJobLogs logs, BackupClock clock, ReconcileSettings settings) {
        this.logs = logs;
        this.clock = clock;
        this.settings = settings;
    }

    @Override
    public List<EventSource<?, KVBackup>> prepareEventSources(EventSourceContext<KVBackup> context) {
        // Mapped to the backup by the Job's owner reference.
        return List.of(new InformerEventSource<>(InformerEventSourceConfiguration.from(Job.class, KVBackup.class)
                .withLabelSelector(KvnodeLabels.MANAGED_SELECTOR)
                .build(), context));
    }

    @Override
    public UpdateControl<KVBackup> reconcile(KVBackup backup, Context<KVBackup> context) {
        KVBackupStatus current = backup.getStatus();
        if (current != null && (current.getPhase() == BackupPhase.Succeeded
                || current.getPhase() == BackupPhase.Failed)) {
            return UpdateControl.noUpdate();
        }
        KubernetesClient client = context.getClient();
        String namespace = backup.getMetadata().getNamespace();
        KVBackupStatus status = copy(current);
        if (backup.getMetadata().getName().length() > DesiredBackupJob.MAX_BACKUP_NAME) {
            status.setPhase(BackupPhase.Failed);
            status.setReason("metadata.name: at most %d characters, so that the names of its Jobs fit a label value"
                    .formatted(DesiredBackupJob.MAX_BACKUP_NAME));
            setConditions(status, false, true, "InvalidName", status.getReason(),
                    clock.now().truncatedTo(ChronoUnit.SECONDS));
            writeStatus(backup, status, context);
            return UpdateControl.noUpdate();
        }
        // Times shown in the status are whole seconds; the next attempt's time keeps the exact back-off.
        Instant exact = clock.now();
        Instant now = exact.truncatedTo(ChronoUnit.SECONDS);
        String clusterName = backup.getSpec() == null ? null : backup.getSpec().getClusterName();
        KVCluster cluster = clusterName == null ? null
                : client.resources(KVCluster.class).inNamespace(namespace).withName(clusterName).get();
        if (cluster == null) {
            status.setPhase(BackupPhase.Pending);
            status.setReason(clusterName == null ? "spec.clusterName is required"
                    : "KVCluster " + clusterName + " not found in " + namespace);
            writeStatus(backup, status, context);
            return UpdateControl.<KVBackup>noUpdate().rescheduleAfter(settings.resyncInterval());
        }
        BackupLocation location = BackupLocation.ofBackup(
                BackupStorage.claimName(backup.getSpec().getStorage(), clusterName), backup.getMetadata().getName());
        ensureClaim(client, namespace, location, clusterName, backup.getSpec().getStorage());

        int attempts = Objects.requireNonNullElse(status.getAttempts(), 0);
        Job job = attempts == 0 ? null : client.batch().v1().jobs().inNamespace(namespace)
                .withName(DesiredBackupJob.name(backup, attempts)).get();
        long nextAttempt = status.getNextAttemptTime() == null ? 0
                : Instant.parse(status.getNextAttemptTime()).toEpochMilli();
        Action action = BackupAttempts.next(attempts, status.getPhase() == BackupPhase.Retrying, jobState(job),
                exact.toEpochMilli(), nextAttempt, settings.backupMaxAttempts());
        Duration recheck = settings.resyncInterval();
        switch (action) {
            case START_ATTEMPT -> {
                attempts++;
                createJob(client, backup, cluster, location, attempts);
                status.setAttempts(attempts);
                status.setJob(DesiredBackupJob.name(backup, attempts));
                status.setPhase(BackupPhase.Running);
                status.setNextAttemptTime(null);
                if (status.getStartTime() == null) {
                    status.setStartTime(now.toString());
                }
                setConditions(status, false, false, "Running", "attempt " + attempts + " of "
                        + settings.backupMaxAttempts() + " runs in Job " + status.getJob(), now);
            }
            case ENSURE_JOB -> createJob(client, backup, cluster, location, attempts);
            case AWAIT_JOB -> status.setPhase(BackupPhase.Running);
            case RECORD_SUCCESS -> {
                Optional<Pod> pod = podOf(client, namespace, job);
                Optional<BackupReport> report = pod.flatMap(p -> logs.log(namespace, p.getMetadata().getName(),
                        DesiredBackupJob.CONTAINER)).flatMap(BackupReport::find);
                if (report.isPresent()) {
                    succeeded(status, report.get(), location, now);
                    LOG.infof("KVBackup %s/%s: saved revision %d, %d bytes, to %s", namespace,
                            backup.getMetadata().getName(), report.get().revision(), report.get().size(), location);
                } else {
                    recheck = failed(backup, status, attempts, "Job " + job.getMetadata().getName()
                            + " succeeded but its pod's log holds no report of kvnode snapshot save", exact);
                }
            }
            case RECORD_FAILURE_AND_RETRY, RECORD_FINAL_FAILURE ->
                    recheck = failed(backup, status, attempts, failureReason(client, namespace, job), exact);
            case AWAIT_RETRY -> recheck = Duration.ofMillis(Math.max(1, nextAttempt - exact.toEpochMilli()));
        }
        writeStatus(backup, status, context);
        return UpdateControl.<KVBackup>noUpdate().rescheduleAfter(recheck);
    }

    @Override
    public DeleteControl cleanup(KVBackup backup, Context<KVBackup> context) {
        KVBackupStatus status = backup.getStatus();
        Optional<BackupLocation> location = status == null || status.getPhase() != BackupPhase.Succeeded
                ? Optional.empty() : BackupLocation.parse(status.getLocation());
        if (location.isEmpty()) {
            return DeleteControl.defaultDelete();
        }
        KubernetesClient client = context.getClient();
        String namespace = backup.getMetadata().getNamespace();
        String name = backup.getMetadata().getName();
        Job deletion = client.batch().v1().jobs().inNamespace(namespace)
                .withName(DesiredBackupDeletionJob.name(backup)).get();
        if (deletion == null) {
            Job saved = status.getJob() == null ? null
                    : client.batch().v1().jobs().inNamespace(namespace).withName(status.getJob()).get();
            if (saved == null) {
                LOG.warnf("KVBackup %s/%s deleted; its file %s stays: the Job that saved it is gone, so its image is"
                        + " unknown", namespace, name, location.get());
                return DeleteControl.defaultDelete();
            }
            String image = saved.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
            try {
                client.resource(DesiredBackupDeletionJob.of(backup, image, location.get())).create();
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409) {
                    throw e;
                }
            }
            return DeleteControl.noFinalizerRemoval().rescheduleAfter(settings.requeueDelay());
        }
        switch (jobState(deletion)) {
            case SUCCEEDED -> {
                LOG.infof("KVBackup %s/%s deleted with its file %s", namespace, name, location.get());
                return DeleteControl.defaultDelete();
            }
            case FAILED -> {
                LOG.warnf("KVBackup %s/%s deleted; its file %s stays: Job %s could not delete it", namespace, name,
                        location.get(), deletion.getMetadata().getName());
                return DeleteControl.defaultDelete();
            }
            default -> {
                return DeleteControl.noFinalizerRemoval().rescheduleAfter(settings.requeueDelay());
            }
        }
    }

    private Duration failed(KVBackup backup, KVBackupStatus status, int attempts, String why, Instant exact) {
        Instant now = exact.truncatedTo(ChronoUnit.SECONDS);
        String reason = "attempt %d of %d failed: %s".formatted(attempts, settings.backupMaxAttempts(), why);
        status.setReason(reason);
        if (attempts >= settings.backupMaxAttempts()) {
            status.setPhase(BackupPhase.Failed);
            status.setCompletionTime(now.toString());
            status.setNextAttemptTime(null);
            setConditions(status, false, true, "AttemptsExhausted", reason, now);
            LOG.warnf("KVBackup %s/%s failed for good: %s", backup.getMetadata().getNamespace(),
                    backup.getMetadata().getName(), reason);
            return settings.resyncInterval();
        }
        Duration backoff = Duration.ofMillis(BackupAttempts.backoffMillis(attempts,
                settings.backupRetryBase().toMillis(), settings.backupRetryCap().toMillis()));
        status.setPhase(BackupPhase.Retrying);
        status.setNextAttemptTime(BackupAttempts.nextAttemptTime(exact, backoff.toMillis()).toString());
        setConditions(status, false, false, "Retrying", reason + "; next attempt at " + status.getNextAttemptTime(),
                now);
        LOG.warnf("KVBackup %s/%s: %s; retrying in %s", backup.getMetadata().getNamespace(),
                backup.getMetadata().getName(), reason, backoff);
        return backoff;
    }

    private static void succeeded(KVBackupStatus status, BackupReport report, BackupLocation location, Instant now) {
        status.setPhase(BackupPhase.Succeeded);
        status.setSize(report.size());
        status.setRevision(report.revision());
        status.setChecksum(report.sha256());
        status.setLocation(location.toString());
        status.setCompletionTime(now.toString());
        status.setReason(null);
        status.setNextAttemptTime(null);
        setConditions(status, true, false, "Saved", "revision " + report.revision() + " saved to " + location, now);
    }

    private static void setConditions(KVBackupStatus status, boolean complete, boolean failed, String reason,
                                      String message, Instant now) {
        List<Condition> previous = status.getConditions();
        List<Condition> next = new ArrayList<>();
        next.add(Conditions.next(previous, KVBackupStatus.CONDITION_COMPLETE, complete, reason, message, null, now));
        next.add(Conditions.next(previous, KVBackupStatus.CONDITION_FAILED, failed, reason, message, null, now));
        status.setConditions(next);
    }

    private static JobState jobState(Job job) {
        if (job == null) {
            return JobState.ABSENT;
        }
        var jobStatus = job.getStatus();
        if (jobStatus == null) {
            return JobState.RUNNING;
        }
        if (Objects.requireNonNullElse(jobStatus.getSucceeded(), 0) > 0 || hasCondition(job, "Complete")) {
            return JobState.SUCCEEDED;
        }
        if (Objects.requireNonNullElse(jobStatus.getFailed(), 0) > 0 || hasCondition(job, "Failed")) {
            return JobState.FAILED;
        }
        return JobState.RUNNING;
    }

    private static boolean hasCondition(Job job, String type) {
        return job.getStatus().getConditions() != null && job.getStatus().getConditions().stream()
                .anyMatch(c -> type.equals(c.getType()) && "True".equals(c.getStatus()));
    }

    /**
     * Why the Job failed, from the most to the least specific source: the pod's log (kvnode's error is its last
     * line), the container's termination message and exit code, the Job's Failed condition.
     */
    private String failureReason(KubernetesClient client, String namespace, Job job) {
        Optional<Pod> pod = podOf(client, namespace, job);
        if (pod.isPresent()) {
            String line = logs.log(namespace, pod.get().getMetadata().getName(), DesiredBackupJob.CONTAINER)
                    .map(BackupReport::lastLine).orElse("");
            if (!line.isEmpty()) {
                return line;
            }
            Optional<ContainerStateTerminated> terminated = Optional.ofNullable(pod.get().getStatus())
                    .map(s -> s.getContainerStatuses()).orElse(List.of()).stream()
                    .map(ContainerStatus::getState).filter(Objects::nonNull)
                    .map(state -> state.getTerminated()).filter(Objects::nonNull).findFirst();
            if (terminated.isPresent()) {
                String message = terminated.get().getMessage();
                return message != null && !message.isBlank() ? BackupReport.lastLine(message)
                        : "exit code " + terminated.get().getExitCode();
            }
        }
        if (job.getStatus() != null && job.getStatus().getConditions() != null) {
            for (JobCondition condition : job.getStatus().getConditions()) {
                if ("Failed".equals(condition.getType()) && "True".equals(condition.getStatus())) {
                    return condition.getReason() + ": " + condition.getMessage();
                }
            }
        }
        return "Job " + job.getMetadata().getName() + " failed";
    }

    /** The Job's pod: the Job controller labels it with the Job's name. The newest one, should there be several. */
    private static Optional<Pod> podOf(KubernetesClient client, String namespace, Job job) {
        String jobName = job.getMetadata().getName();
        List<Pod> pods = client.pods().inNamespace(namespace).withLabel(JOB_NAME_LABEL, jobName).list().getItems();
        if (pods.isEmpty()) {
            pods = client.pods().inNamespace(namespace).withLabel(LEGACY_JOB_NAME_LABEL, jobName).list().getItems();
        }
        return pods.stream().max(Comparator.comparing(p -> Objects.requireNonNullElse(
                p.getMetadata().getCreationTimestamp(), "")));
    }

    private static void createJob(KubernetesClient client, KVBackup backup, KVCluster cluster,
                                  BackupLocation location, int attempt) {
        try {
            client.resource(DesiredBackupJob.of(backup, cluster, location, attempt)).create();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
            // Created by an earlier reconcile whose status write did not land: the Job is there, carry on.
        }
    }

    private static void ensureClaim(KubernetesClient client, String namespace, BackupLocation location,
                                    String clusterName, BackupStorage storage) {
        if (client.persistentVolumeClaims().inNamespace(namespace).withName(location.claimName()).get() != null) {
            return;
        }
        try {
            client.resource(DesiredBackupClaim.of(namespace, location.claimName(), clusterName, storage)).create();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
        }
    }

    private static KVBackupStatus copy(KVBackupStatus status) {
        KVBackupStatus copy = new KVBackupStatus();
        copy.setPhase(BackupPhase.Pending);
        if (status == null) {
            return copy;
        }
        copy.setPhase(status.getPhase() == null ? BackupPhase.Pending : status.getPhase());
        copy.setSize(status.getSize());
        copy.setRevision(status.getRevision());
        copy.setChecksum(status.getChecksum());
        copy.setLocation(status.getLocation());
        copy.setStartTime(status.getStartTime());
        copy.setCompletionTime(status.getCompletionTime());
        copy.setAttempts(status.getAttempts());
        copy.setReason(status.getReason());
        copy.setNextAttemptTime(status.getNextAttemptTime());
        copy.setJob(status.getJob());
        copy.setConditions(new ArrayList<>(Objects.requireNonNullElse(status.getConditions(), List.of())));
        return copy;
    }

    /** As {@link StatusWriter} does for a KVCluster: the whole status, and the result into the cache. */
    private static void writeStatus(KVBackup backup, KVBackupStatus status, Context<KVBackup> context) {
        if (status.equals(backup.getStatus())) {
            return;
        }
        boolean serverSideApply = context.getControllerConfiguration().getConfigurationService()
                .ssaBasedCreateUpdateMatchForDependentResources();
        if (serverSideApply) {
            KVBackup patch = new KVBackup();
            patch.setMetadata(new ObjectMetaBuilder().withName(backup.getMetadata().getName())
                    .withNamespace(backup.getMetadata().getNamespace()).build());
            patch.setStatus(status);
            PrimaryUpdateAndCacheUtils.ssaPatchStatusAndCacheResource(backup, patch, context);
        } else {
            PrimaryUpdateAndCacheUtils.updateStatusAndCacheResource(backup, context, fresh -> {
                fresh.setStatus(status);
                return fresh;
            });
        }
    }
}
