package dev.cairn.e2e.controlplane;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodIPBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pod on the process kubelet, on its own thread: it waits until the previous pod of the same name has
 * stopped (a StatefulSet pod keeps its name, address and ports), binds the volumes (a claim is a directory), runs
 * the init containers one after the other to success, then keeps the containers running as the pod's restart policy
 * says (a crashed container starts again after a back-off that doubles), probes them, and writes the pod's status:
 * phase, IP, restart counts, Ready. {@link #stop()} ends it as a pod deletion does: SIGTERM to every container, and
 * SIGKILL to those still running after the pod's grace period.
 */
final class PodRunner implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(PodRunner.class);

    /** What every pod runner shares. */
    record Node(KubernetesClient client, LocalImages images, ControlPlaneSettings settings) {
    }

    private final class Running {
        final Container container;
        final ProbeRunner readiness;
        final ProbeRunner liveness;
        final Process process;
        final Instant startedAt;

        Running(Container container, Process process) {
            this.container = container;
            this.process = process;
            this.startedAt = Instant.now();
            this.readiness = new ProbeRunner(container.getReadinessProbe(), container, ip,
                    node.settings().readinessPeriod(), false);
            this.liveness = new ProbeRunner(container.getLivenessProbe(), container, ip, Duration.ofDays(1), true);
        }
    }

    /** A container's state between two looks of the loop. */
    private static final class Slot {
        Running running;
        int restarts;
        long restartAt;
        Duration backoff;
        Integer lastExit;
        boolean ready;
        boolean finished;
        String waitingReason = "ContainerCreating";
    }

    private final Node node;
    private final Pod pod;
    private final String ip;
    private final String key;
    private final PodRunner predecessor;
    private final Path podDirectory;
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();
    private final Map<String, Slot> slots = new HashMap<>();
    private final Instant createdAt = Instant.now();
    private volatile boolean stopping;
    private volatile String problem;
    private PodStatus published;

    PodRunner(Node node, Pod pod, String ip, PodRunner predecessor) {
        this.node = node;
        this.pod = pod;
        this.ip = ip;
        this.key = pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
        this.predecessor = predecessor;
        this.podDirectory = node.settings().workDir().resolve("pods").resolve(pod.getMetadata().getNamespace())
                .resolve(pod.getMetadata().getName() + "-" + pod.getMetadata().getUid());
        for (Container container : pod.getSpec().getContainers()) {
            slots.put(container.getName(), new Slot());
        }
    }

    String uid() {
        return pod.getMetadata().getUid();
    }

    String ip() {
        return ip;
    }

    /** Asks the pod to end (it was deleted); the containers get SIGTERM, then SIGKILL after the grace period. */
    void stop() {
        stopping = true;
    }

    /** Completes once every container of the pod has exited. */
    CompletableFuture<Void> terminated() {
        return terminated;
    }

    /** SIGKILL to a running container, as a crash or the OOM killer would; it is restarted by the restart policy. */
    synchronized boolean kill(String containerName) {
        Slot slot = slots.get(containerName);
        if (slot == null || slot.running == null) {
            return false;
        }
        slot.running.process.destroyForcibly();
        return true;
    }

    /** The pid of a running container, or -1. */
    synchronized long pid(String containerName) {
        Slot slot = slots.get(containerName);
        return slot == null || slot.running == null || !slot.running.process.isAlive() ? -1
                : slot.running.process.pid();
    }

    @Override
    public void run() {
        try {
            if (predecessor != null) {
                predecessor.terminated().join();
            }
            Files.createDirectories(podDirectory);
            publish();
            Map<String, Path> volumes = bindVolumes();
            if (volumes == null) {
                return;
            }
            if (!runInitContainers(volumes)) {
                return;
            }
            superviseContainers(volumes);
        } catch (IOException | RuntimeException e) {
            LOG.error("pod {} failed on the local kubelet: {}", key, e.toString(), e);
            problem = e.getMessage();
            publish();
        } finally {
            stopAll();
            terminated.complete(null);
        }
    }

    /** Host directories of the pod's volumes by name; null if the pod was stopped while waiting for a claim. */
    private Map<String, Path> bindVolumes() throws IOException {
        Map<String, Path> volumes = new HashMap<>();
        for (Volume volume : Objects.requireNonNullElse(pod.getSpec().getVolumes(), List.<Volume>of())) {
            if (volume.getPersistentVolumeClaim() != null) {
                String claimName = volume.getPersistentVolumeClaim().getClaimName();
                PersistentVolumeClaim claim;
                while ((claim = node.client().persistentVolumeClaims().inNamespace(pod.getMetadata().getNamespace())
                        .withName(claimName).get()) == null) {
                    if (stopping || !pause(Duration.ofMillis(200))) {
                        return null;
                    }
                }
                // Keyed by the claim's uid: a claim deleted and made again is a new, empty volume.
                Path dir = node.settings().volumeDir().resolve(pod.getMetadata().getNamespace())
                        .resolve(claimName + "-" + claim.getMetadata().getUid());
                volumes.put(volume.getName(), Files.createDirectories(dir));
            } else if (volume.getEmptyDir() != null) {
                volumes.put(volume.getName(), Files.createDirectories(podDirectory.resolve("volumes")
                        .resolve(volume.getName())));
            } else {
                throw new IllegalStateException("volume " + volume.getName() + " of pod " + key + ": only "
                        + "persistentVolumeClaim and emptyDir volumes are supported by the local control plane");
            }
        }
        return volumes;
    }

    private Map<String, Path> mounts(Container container, Map<String, Path> volumes) {
        Map<String, Path> mounts = new HashMap<>();
        for (VolumeMount mount : Objects.requireNonNullElse(container.getVolumeMounts(), List.<VolumeMount>of())) {
            Path dir = volumes.get(mount.getName());
            if (dir == null) {
                throw new IllegalStateException("container " + container.getName() + " mounts unknown volume "
                        + mount.getName());
            }
            mounts.put(mount.getMountPath(), mount.getSubPath() == null || mount.getSubPath().isEmpty() ? dir
                    : dir.resolve(mount.getSubPath()));
        }
        return mounts;
    }

    private boolean runInitContainers(Map<String, Path> volumes) throws IOException {
        for (Container init : Objects.requireNonNullElse(pod.getSpec().getInitContainers(), List.<Container>of())) {
            Duration backoff = node.settings().restartBackoff();
            while (true) {
                if (stopping) {
                    return false;
                }
                Process process = start(init, volumes);
                int exit;
                try {
                    while (!process.waitFor(100, TimeUnit.MILLISECONDS)) {
                        if (stopping) {
                            ProcessStopper.stop(process, grace());
                            return false;
                        }
                    }
                    exit = process.exitValue();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
                if (exit == 0) {
                    break;
                }
                LOG.warn("init container {} of pod {} exited with {}; trying again in {}", init.getName(), key, exit,
                        backoff);
                if ("Never".equals(pod.getSpec().getRestartPolicy())) {
                    problem = "init container " + init.getName() + " failed with exit code " + exit;
                    publish();
                    return false;
                }
                if (!pause(backoff)) {
                    return false;
                }
                backoff = longer(backoff);
            }
        }
        return true;
    }

    private void superviseContainers(Map<String, Path> volumes) throws IOException {
        String restartPolicy = Objects.requireNonNullElse(pod.getSpec().getRestartPolicy(), "Always");
        while (!stopping) {
            boolean changed = false;
            for (Container container : pod.getSpec().getContainers()) {
                Slot slot = slots.get(container.getName());
                synchronized (this) {
                    if (slot.running != null && !slot.running.process.isAlive()) {
                        slot.lastExit = slot.running.process.exitValue();
                        slot.running = null;
                        slot.ready = false;
                        changed = true;
                        boolean again = restartPolicy.equals("Always")
                                || (restartPolicy.equals("OnFailure") && slot.lastExit != 0);
                        if (!again) {
                            slot.finished = true;
                        } else {
                            slot.backoff = slot.backoff == null ? node.settings().restartBackoff()
                                    : longer(slot.backoff);
                            slot.restartAt = System.nanoTime() + slot.backoff.toNanos();
                            slot.waitingReason = "CrashLoopBackOff";
                            LOG.info("container {} of pod {} exited with {}; restarting in {}", container.getName(),
                                    key, slot.lastExit, slot.backoff);
                        }
                    }
                    if (slot.running == null && !slot.finished && System.nanoTime() - slot.restartAt >= 0) {
                        if (slot.lastExit != null) {
                            slot.restarts++;
                        }
                        slot.running = new Running(container, start(container, volumes));
                        changed = true;
                    }
                }
                Running running = slot.running;
                if (running != null) {
                    boolean ready = running.readiness.poll();
                    if (ready != slot.ready) {
                        slot.ready = ready;
                        changed = true;
                    }
                    if (!running.liveness.poll()) {
                        LOG.warn("container {} of pod {} failed its liveness probe; killing it", container.getName(),
                                key);
                        ProcessStopper.stop(running.process, grace());
                    }
                    if (ready && running.startedAt.plusSeconds(10).isBefore(Instant.now())) {
                        slot.backoff = null;
                    }
                }
            }
            if (changed) {
                publish();
            }
            if (slots.values().stream().allMatch(s -> s.finished)) {
                publish();
                return;
            }
            if (!pause(Duration.ofMillis(100))) {
                return;
            }
        }
    }

    private Process start(Container container, Map<String, Path> volumes) throws IOException {
        ContainerCommand command = ContainerCommand.of(pod, container, ip, mounts(container, volumes), podDirectory,
                node.images(), node.client());
        Path log = PodLogs.file(node.settings().logDir(), pod.getMetadata().getNamespace(),
                pod.getMetadata().getName(), container.getName());
        Files.createDirectories(log.getParent());
        Files.createDirectories(command.workingDirectory);
        Files.writeString(log, PodLogs.startLine(Instant.now(), uid(), container.getName(), command.command),
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        ProcessBuilder builder = new ProcessBuilder(command.command)
                .directory(command.workingDirectory.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        // A container sees its own environment, not the control plane's.
        Map<String, String> env = builder.environment();
        String path = env.get("PATH");
        env.clear();
        if (path != null) {
            env.put("PATH", path);
        }
        env.put("HOSTNAME", pod.getMetadata().getName());
        env.putAll(command.environment);
        Process process = builder.start();
        LOG.info("pod {}: container {} started (pid {}) on {}", key, container.getName(), process.pid(), ip);
        return process;
    }

    private void stopAll() {
        List<Thread> stoppers = new ArrayList<>();
        synchronized (this) {
            for (Slot slot : slots.values()) {
                if (slot.running != null) {
                    Process process = slot.running.process;
                    Thread stopper = new Thread(() -> ProcessStopper.stop(process, grace()), "stop-" + key);
                    stopper.start();
                    stoppers.add(stopper);
                    slot.running = null;
                    slot.ready = false;
                }
            }
        }
        for (Thread stopper : stoppers) {
            try {
                stopper.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private Duration grace() {
        Long seconds = pod.getSpec().getTerminationGracePeriodSeconds();
        return Duration.ofSeconds(seconds == null ? 30 : seconds);
    }

    private Duration longer(Duration backoff) {
        Duration doubled = backoff.multipliedBy(2);
        Duration cap = node.settings().restartBackoff().multipliedBy(10);
        return doubled.compareTo(cap) > 0 ? cap : doubled;
    }

    /** Waits, unless the pod is stopped meanwhile; false when it was. */
    private boolean pause(Duration duration) {
        long until = System.nanoTime() + duration.toNanos();
        try {
            while (!stopping && System.nanoTime() - until < 0) {
                Thread.sleep(Math.min(50, Math.max(1, (until - System.nanoTime()) / 1_000_000)));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        return !stopping;
    }

    /** Writes the pod's status when it changed, if the pod (this uid) still exists. */
    private void publish() {
        PodStatus status = status();
        if (status.equals(published) || stopping) {
            return;
        }
        for (int attempt = 0; attempt < 5; attempt++) {
            try {
                Pod current = node.client().pods().inNamespace(pod.getMetadata().getNamespace())
                        .withName(pod.getMetadata().getName()).get();
                if (current == null || !uid().equals(current.getMetadata().getUid())) {
                    return;
                }
                current.setStatus(status);
                node.client().pods().inNamespace(pod.getMetadata().getNamespace()).resource(current).updateStatus();
                published = status;
                return;
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409 && e.getCode() != 404) {
                    LOG.warn("cannot write the status of pod {}: {}", key, e.getMessage());
                    return;
                }
            }
        }
    }

    private synchronized PodStatus status() {
        List<ContainerStatus> containers = new ArrayList<>();
        boolean allReady = !slots.isEmpty();
        boolean allFinished = true;
        boolean anyFailed = false;
        for (Container container : pod.getSpec().getContainers()) {
            Slot slot = slots.get(container.getName());
            allReady &= slot.ready;
            allFinished &= slot.finished;
            anyFailed |= slot.finished && slot.lastExit != null && slot.lastExit != 0;
            ContainerStatusBuilder builder = new ContainerStatusBuilder()
                    .withName(container.getName())
                    .withImage(container.getImage())
                    .withImageID("local://" + container.getImage())
                    .withReady(slot.ready)
                    .withStarted(slot.running != null)
                    .withRestartCount(slot.restarts);
            if (slot.running != null) {
                builder.withNewState().withNewRunning().withStartedAt(timestamp(slot.running.startedAt)).endRunning()
                        .endState().withContainerID("pid://" + slot.running.process.pid());
            } else if (slot.finished) {
                builder.withNewState().withNewTerminated().withExitCode(slot.lastExit).endTerminated().endState();
            } else {
                builder.withNewState().withNewWaiting().withReason(problem != null ? "CreateContainerError"
                        : slot.waitingReason).withMessage(problem).endWaiting().endState();
            }
            if (slot.lastExit != null) {
                builder.withNewLastState().withNewTerminated().withExitCode(slot.lastExit).endTerminated()
                        .endLastState();
            }
            containers.add(builder.build());
        }
        String phase = allFinished ? (anyFailed ? "Failed" : "Succeeded")
                : containers.stream().anyMatch(c -> c.getState().getRunning() != null) ? "Running" : "Pending";
        List<PodCondition> conditions = List.of(
                condition("PodScheduled", true),
                condition("Initialized", !"Pending".equals(phase) || problem == null),
                condition("ContainersReady", allReady),
                condition("Ready", allReady));
        return new PodStatusBuilder()
                .withPhase(phase)
                .withHostIP("127.0.0.1")
                .withPodIP(ip)
                .withPodIPs(new PodIPBuilder().withIp(ip).build())
                .withStartTime(timestamp(createdAt))
                .withConditions(conditions)
                .withContainerStatuses(containers)
                .withMessage(problem)
                .build();
    }

    private static PodCondition condition(String type, boolean status) {
        return new PodConditionBuilder().withType(type).withStatus(status ? "True" : "False").build();
    }

    private static String timestamp(Instant instant) {
        return instant.truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
