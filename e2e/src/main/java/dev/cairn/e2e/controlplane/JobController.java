package dev.cairn.e2e.controlplane;

import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Job controller the mock API server lacks, for the simple Jobs an operator runs (a backup, a restore): one pod
 * at a time from the template, named {@code <job>-<random>}, until {@code completions} pods succeeded (Complete) or
 * more than {@code backoffLimit} failed (Failed). The pods run on the {@link ProcessKubelet} like any other, with
 * the template's restart policy. Not modelled: parallelism above 1, indexed completion, deadlines, TTL.
 */
final class JobController {

    private static final Logger LOG = LoggerFactory.getLogger(JobController.class);

    private final KubernetesClient client;

    JobController(KubernetesClient client) {
        this.client = client;
    }

    void sync(Job job, List<Pod> namespacePods) {
        if (finished(job)) {
            return;
        }
        List<Pod> pods = namespacePods.stream().filter(pod -> ownedBy(pod, job)).toList();
        int succeeded = (int) pods.stream().filter(p -> phase(p).equals("Succeeded")).count();
        int failed = (int) pods.stream().filter(p -> phase(p).equals("Failed")).count();
        int active = pods.size() - succeeded - failed;
        int completions = Objects.requireNonNullElse(job.getSpec().getCompletions(), 1);
        int backoffLimit = Objects.requireNonNullElse(job.getSpec().getBackoffLimit(), 6);
        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        JobStatusBuilder status = new JobStatusBuilder()
                .withActive(active).withSucceeded(succeeded).withFailed(failed)
                .withStartTime(job.getStatus() != null && job.getStatus().getStartTime() != null
                        ? job.getStatus().getStartTime() : now);
        try {
            if (succeeded >= completions) {
                status.withCompletionTime(now).withConditions(new JobConditionBuilder().withType("Complete")
                        .withStatus("True").withLastTransitionTime(now).build());
                LOG.info("job {}/{} complete", job.getMetadata().getNamespace(), job.getMetadata().getName());
            } else if (failed > backoffLimit) {
                status.withConditions(new JobConditionBuilder().withType("Failed").withStatus("True")
                        .withReason("BackoffLimitExceeded").withLastTransitionTime(now).build());
                LOG.info("job {}/{} failed", job.getMetadata().getNamespace(), job.getMetadata().getName());
            } else if (active == 0) {
                client.resource(pod(job)).create();
                status.withActive(1);
            }
            JobStatus built = status.build();
            if (!built.equals(job.getStatus())) {
                job.setStatus(built);
                client.resource(job).updateStatus();
            }
        } catch (KubernetesClientException e) {
            LOG.debug("job {}/{}: {}", job.getMetadata().getNamespace(), job.getMetadata().getName(), e.getMessage());
        }
    }

    static boolean finished(Job job) {
        return job.getStatus() != null && job.getStatus().getConditions() != null && job.getStatus().getConditions()
                .stream().anyMatch(c -> ("Complete".equals(c.getType()) || "Failed".equals(c.getType()))
                        && "True".equals(c.getStatus()));
    }

    private static String phase(Pod pod) {
        return pod.getStatus() == null || pod.getStatus().getPhase() == null ? "Pending" : pod.getStatus().getPhase();
    }

    private static boolean ownedBy(Pod pod, Job job) {
        return pod.getMetadata().getOwnerReferences() != null && pod.getMetadata().getOwnerReferences().stream()
                .anyMatch(ref -> job.getMetadata().getUid().equals(ref.getUid()));
    }

    private static Pod pod(Job job) {
        var template = job.getSpec().getTemplate();
        Map<String, String> labels = new LinkedHashMap<>(Objects.requireNonNullElse(
                template.getMetadata() == null ? null : template.getMetadata().getLabels(), Map.of()));
        labels.put("job-name", job.getMetadata().getName());
        labels.put("batch.kubernetes.io/job-name", job.getMetadata().getName());
        labels.put("controller-uid", job.getMetadata().getUid());
        String suffix = Long.toString(ThreadLocalRandom.current().nextLong(36L * 36 * 36 * 36, 36L * 36 * 36 * 36 * 36),
                36);
        return new PodBuilder()
                .withNewMetadata()
                    .withName(job.getMetadata().getName() + "-" + suffix)
                    .withNamespace(job.getMetadata().getNamespace())
                    .withLabels(labels)
                    .withAnnotations(template.getMetadata() == null ? null : template.getMetadata().getAnnotations())
                    .withOwnerReferences(new OwnerReferenceBuilder()
                            .withApiVersion("batch/v1").withKind("Job")
                            .withName(job.getMetadata().getName()).withUid(job.getMetadata().getUid())
                            .withController(true).withBlockOwnerDeletion(true).build())
                .endMetadata()
                .withSpec(template.getSpec())
                .build();
    }
}
