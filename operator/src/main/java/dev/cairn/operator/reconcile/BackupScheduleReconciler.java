package dev.cairn.operator.reconcile;

import dev.cairn.operator.api.BackupPhase;
import dev.cairn.operator.api.CronSchedule;
import dev.cairn.operator.api.KVBackup;
import dev.cairn.operator.api.KVBackupSpec;
import dev.cairn.operator.api.KVCluster;
import dev.cairn.operator.api.KVClusterAnnotations;
import dev.cairn.operator.api.KVClusterSpecValidator;
import dev.cairn.operator.api.ScheduledBackupSpec;
import dev.cairn.operator.plan.BackupRetention;
import dev.cairn.operator.plan.BackupSchedule;
import dev.cairn.operator.plan.ScheduledBackupFacts;
import dev.cairn.operator.plan.ScheduledBackupFacts.Outcome;
import dev.cairn.operator.resources.KvnodeLabels;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Scheduled backups of a KVCluster ({@code spec.backup}): creates a KVBackup for each due tick of the schedule and
 * deletes the oldest scheduled ones beyond the retention. Its own controller on KVClusters, so that the cluster's
 * reconciler keeps to its one step and a backup schedule cannot delay a membership change, nor the reverse.
 *
 * <p>"Which tick was taken last" is read from the scheduled KVBackups themselves (their tick annotation), not kept
 * in a status: the newest is never pruned, so the answer survives operator restarts, and a backup created twice for
 * one tick is refused by name. Before the first backup the cluster's creation counts as the last tick, so a new
 * cluster is not backed up at once. Pruning considers only the KVBackups the schedule made (their label); one-shot
 * backups are the user's. Deleting a KVBackup deletes the object, not the file on the claim.
 */
@ControllerConfiguration(name = BackupScheduleReconciler.NAME)
public class BackupScheduleReconciler implements Reconciler<KVCluster> {

    public static final String NAME = "kvcluster-backup-schedule";
    /** On KVBackups the schedule made: the cluster's name. */
    public static final String SCHEDULED_BY = "kv.cairn.dev/scheduled-by";
    /** On KVBackups the schedule made: the tick (RFC 3339, UTC) the backup was made for. */
    public static final String SCHEDULED_FOR = "kv.cairn.dev/scheduled-for";

    private static final Logger LOG = Logger.getLogger(BackupScheduleReconciler.class);
    /** Looked at again at least this often, so that a changed schedule or a moved clock is noticed. */
    private static final Duration LONGEST_SLEEP = Duration.ofHours(1);

    private final BackupClock clock;
    private final ReconcileSettings settings;

    public BackupScheduleReconciler(BackupClock clock, ReconcileSettings settings) {
        this.clock = clock;
        this.settings = settings;
    }

    @Override
    public List<EventSource<?, KVCluster>> prepareEventSources(EventSourceContext<KVCluster> context) {
        // A scheduled backup that finishes may let an older one be pruned.
        return List.of(new InformerEventSource<>(InformerEventSourceConfiguration.from(KVBackup.class, KVCluster.class)
                .withLabelSelector(SCHEDULED_BY)
                .withSecondaryToPrimaryMapper(backup -> Set.of(new ResourceID(
                        backup.getMetadata().getLabels().get(SCHEDULED_BY), backup.getMetadata().getNamespace())))
                .build(), context));
    }

    @Override
    public UpdateControl<KVCluster> reconcile(KVCluster cluster, Context<KVCluster> context) {
        ScheduledBackupSpec schedule = cluster.getSpec() == null ? null : cluster.getSpec().getBackup();
        // An invalid spec is reported by the cluster's own reconciler; a paused cluster changes nothing.
        if (schedule == null || !KVClusterSpecValidator.violations(cluster.getSpec()).isEmpty()
                || KVClusterAnnotations.paused(cluster)) {
            return UpdateControl.<KVCluster>noUpdate().rescheduleAfter(settings.resyncInterval());
        }
        CronSchedule ticks = CronSchedule.parse(schedule.getSchedule());
        KubernetesClient client = context.getClient();
        String namespace = cluster.getMetadata().getNamespace();
        String name = cluster.getMetadata().getName();
        long now = clock.now().getEpochSecond();

        List<KVBackup> scheduled = client.resources(KVBackup.class).inNamespace(namespace)
                .withLabel(SCHEDULED_BY, name).list().getItems();
        List<ScheduledBackupFacts> facts = new ArrayList<>(scheduled.stream().map(BackupScheduleReconciler::facts)
                .toList());
        long lastScheduled = facts.stream().mapToLong(ScheduledBackupFacts::tick).max()
                .orElseGet(() -> createdAt(cluster));
        OptionalLong due = BackupSchedule.due(ticks, lastScheduled, now);
        if (due.isPresent()) {
            String backupName = BackupSchedule.backupName(name, due.getAsLong());
            create(client, cluster, schedule, backupName, due.getAsLong());
            facts.add(new ScheduledBackupFacts(backupName, due.getAsLong(), Outcome.IN_FLIGHT));
        }
        int retention = schedule.getRetention() == null ? ScheduledBackupSpec.DEFAULT_RETENTION
                : schedule.getRetention();
        for (String prune : BackupRetention.prune(facts, retention)) {
            LOG.infof("KVCluster %s/%s: deleting scheduled backup %s, beyond the retention of %d", namespace, name,
                    prune, retention);
            client.resources(KVBackup.class).inNamespace(namespace).withName(prune).delete();
        }
        long untilNext = BackupSchedule.secondsUntilNext(ticks, now);
        Duration sleep = untilNext == Long.MAX_VALUE ? LONGEST_SLEEP : Duration.ofSeconds(untilNext);
        if (sleep.compareTo(settings.resyncInterval()) > 0) {
            sleep = settings.resyncInterval();
        }
        return UpdateControl.<KVCluster>noUpdate().rescheduleAfter(sleep);
    }

    private static void create(KubernetesClient client, KVCluster cluster, ScheduledBackupSpec schedule,
                               String backupName, long tick) {
        KVBackup backup = new KVBackup();
        // No owner reference: deleting the cluster must not delete the backups it could be restored from.
        backup.setMetadata(new ObjectMetaBuilder()
                .withName(backupName)
                .withNamespace(cluster.getMetadata().getNamespace())
                .withLabels(Map.of(SCHEDULED_BY, cluster.getMetadata().getName(),
                        KvnodeLabels.MANAGED_BY, KvnodeLabels.OPERATOR))
                .withAnnotations(Map.of(SCHEDULED_FOR, Instant.ofEpochSecond(tick).toString()))
                .build());
        KVBackupSpec spec = new KVBackupSpec();
        spec.setClusterName(cluster.getMetadata().getName());
        spec.setStorage(schedule.getStorage());
        backup.setSpec(spec);
        try {
            client.resource(backup).create();
            LOG.infof("KVCluster %s/%s: scheduled backup %s created for %s", cluster.getMetadata().getNamespace(),
                    cluster.getMetadata().getName(), backupName, Instant.ofEpochSecond(tick));
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
        }
    }

    private static ScheduledBackupFacts facts(KVBackup backup) {
        Map<String, String> annotations = backup.getMetadata().getAnnotations();
        String tick = annotations == null ? null : annotations.get(SCHEDULED_FOR);
        long epoch = tick == null ? 0 : Instant.parse(tick).getEpochSecond();
        BackupPhase phase = backup.getStatus() == null ? null : backup.getStatus().getPhase();
        Outcome outcome = phase == BackupPhase.Succeeded ? Outcome.SUCCEEDED
                : phase == BackupPhase.Failed ? Outcome.FAILED : Outcome.IN_FLIGHT;
        return new ScheduledBackupFacts(backup.getMetadata().getName(), epoch, outcome);
    }

    private static long createdAt(KVCluster cluster) {
        String created = cluster.getMetadata().getCreationTimestamp();
        return created == null ? Long.MIN_VALUE + 1 : Instant.parse(created).getEpochSecond();
    }
}
