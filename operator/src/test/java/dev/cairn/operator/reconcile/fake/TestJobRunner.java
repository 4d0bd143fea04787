package dev.cairn.operator.reconcile.fake;

import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * Plays the Job controller and the kubelet for the backup Jobs of one cluster: for each new Job it makes the pod
 * (labelled with the Job's name, as the Job controller does), "runs" it by asking {@code outcome} what the command
 * printed and how it exited, and then writes what a kubelet and the Job controller would: the pod's phase and
 * terminated container (with the log tail as termination message on failure), the pod's log, and the Job's
 * succeeded or failed count with its condition.
 */
public final class TestJobRunner implements AutoCloseable {

    /** What the Job's container did: its log (standard output and error) and its exit code. */
    public record Outcome(String log, int exitCode) {
        public static Outcome printed(String log) {
            return new Outcome(log, 0);
        }

        public static Outcome failed(String log) {
            return new Outcome(log, 1);
        }
    }

    private final KubernetesClient client;
    private final String namespace;
    private final FakeBackupJobLogs logs;
    private final Function<Job, Outcome> outcome;
    private final SharedIndexInformer<Job> informer;
    private final Map<String, Instant> created = new ConcurrentHashMap<>();
    private final Map<String, Instant> finished = new ConcurrentHashMap<>();
    private final List<Job> seen = new CopyOnWriteArrayList<>();
    private final List<Job> deletions = new CopyOnWriteArrayList<>();

    public TestJobRunner(KubernetesClient client, String namespace, String clusterName, FakeBackupJobLogs logs,
                         Function<Job, Outcome> outcome) {
        this.client = client;
        this.namespace = namespace;
        this.logs = logs;
        this.outcome = outcome;
        this.informer = client.batch().v1().jobs().inNamespace(namespace)
                .withLabel("app.kubernetes.io/instance", clusterName)
                .inform(new ResourceEventHandler<>() {
                    @Override
                    public void onAdd(Job job) {
                        run(job);
                    }

                    @Override
                    public void onUpdate(Job oldJob, Job newJob) {
                    }

                    @Override
                    public void onDelete(Job job, boolean deletedFinalStateUnknown) {
                    }
                });
    }

    /** The backup Jobs run so far, in the order they were created. */
    public List<Job> jobs() {
        return List.copyOf(seen);
    }

    /** The Jobs that deleted a backup's file (rm, which always succeeds here). */
    public List<Job> deletions() {
        return List.copyOf(deletions);
    }

    public Instant createdAt(String job) {
        return created.get(job);
    }

    public Instant finishedAt(String job) {
        return finished.get(job);
    }

    private synchronized void run(Job job) {
        String jobName = job.getMetadata().getName();
        if (created.putIfAbsent(jobName, Instant.now()) != null) {
            return;
        }
        var template = job.getSpec().getTemplate();
        String container = template.getSpec().getContainers().get(0).getName();
        boolean deletion = "delete-file".equals(container);
        (deletion ? deletions : seen).add(job);
        Pod pod = client.resource(new PodBuilder()
                .withNewMetadata()
                    .withName(jobName + "-pod")
                    .withNamespace(namespace)
                    .withLabels(template.getMetadata().getLabels())
                    .addToLabels("batch.kubernetes.io/job-name", jobName)
                    .addToLabels("job-name", jobName)
                .endMetadata()
                .withSpec(template.getSpec())
                .build()).create();
        Outcome result = deletion ? Outcome.printed("") : outcome.apply(job);
        logs.put(namespace, pod.getMetadata().getName(), container, result.log());
        boolean succeeded = result.exitCode() == 0;
        pod.setStatus(new PodStatusBuilder()
                .withPhase(succeeded ? "Succeeded" : "Failed")
                .withContainerStatuses(new ContainerStatusBuilder()
                        .withName(container)
                        .withNewState().withNewTerminated()
                            .withExitCode(result.exitCode())
                            .withReason(succeeded ? "Completed" : "Error")
                            .withMessage(succeeded ? null : result.log())
                        .endTerminated().endState()
                        .build())
                .build());
        client.resource(pod).updateStatus();
        Job current = client.batch().v1().jobs().inNamespace(namespace).withName(jobName).get();
        current.setStatus(new JobStatusBuilder()
                .withSucceeded(succeeded ? 1 : 0)
                .withFailed(succeeded ? 0 : 1)
                .withConditions(new JobConditionBuilder()
                        .withType(succeeded ? "Complete" : "Failed")
                        .withStatus("True")
                        .withReason(succeeded ? null : "BackoffLimitExceeded")
                        .withMessage(succeeded ? null : "Job has reached the specified backoff limit")
                        .build())
                .build());
        finished.put(jobName, Instant.now());
        client.resource(current).updateStatus();
    }

    @Override
    public void close() {
        informer.close();
    }
}
