package dev.cairn.e2e.controlplane;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;

/**
 * Runs the local control plane until SIGTERM (or SIGINT): starts it, creates the objects of the files given with
 * {@code --apply}, prints the KVClusters' progress until every one is Ready, writes {@code --ready-file} (shell
 * assignments: ENDPOINTS, KUBECONFIG, WORK_DIR) and keeps running. {@code make demo} drives it.
 *
 * <pre>ControlPlaneMain --root . --work-dir /tmp/cairn [--namespace default] [--apply file]... [--ready-file f]
 *     [--ready-timeout 300]</pre>
 */
public final class ControlPlaneMain {

    private ControlPlaneMain() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(".");
        Path workDir = null;
        String namespace = "default";
        List<Path> files = new ArrayList<>();
        Path readyFile = null;
        Duration readyTimeout = Duration.ofMinutes(5);
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--root" -> root = Path.of(Objects.requireNonNull(value));
                case "--work-dir" -> workDir = Path.of(Objects.requireNonNull(value));
                case "--namespace" -> namespace = Objects.requireNonNull(value);
                case "--apply" -> files.add(Path.of(Objects.requireNonNull(value)));
                case "--ready-file" -> readyFile = Path.of(Objects.requireNonNull(value));
                case "--ready-timeout" -> readyTimeout = Duration.ofSeconds(Long.parseLong(value));
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
            i++;
        }
        if (workDir == null) {
            workDir = Files.createTempDirectory("cairn-control-plane");
        }
        root = root.toAbsolutePath().normalize();
        ControlPlaneSettings settings = ControlPlaneSettings.fromSystemProperties(root, workDir.toAbsolutePath(),
                "127.42.0");
        long started = System.nanoTime();
        LocalControlPlane controlPlane = LocalControlPlane.start(settings, root.resolve("crds"));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            say("stopping: the operator, then every pod (SIGTERM), then the API server");
            controlPlane.close();
            say("stopped; everything is in " + settings.workDir());
            stopped.countDown();
        }, "control-plane-stop"));
        say(String.format("control plane up in %.1f s (API server, kubelet, operator ready)",
                (System.nanoTime() - started) / 1e9));
        long applied = System.nanoTime();
        say("API server " + controlPlane.apiServer().url() + " (kubeconfig " + settings.kubeconfig() + ")");
        say("operator log " + controlPlane.operatorLog() + ", pod logs under " + settings.logDir());
        List<String> clusters = new ArrayList<>();
        List<String> endpoints = new ArrayList<>();
        try {
            for (Path file : files) {
                for (HasMetadata created : controlPlane.apply(root.resolve(file), namespace)) {
                    say("created " + created.getKind() + " " + created.getMetadata().getNamespace() + "/"
                            + created.getMetadata().getName());
                    if ("KVCluster".equals(created.getKind())) {
                        clusters.add(created.getMetadata().getName());
                    }
                }
            }
            for (String cluster : clusters) {
                endpoints.addAll(awaitReady(controlPlane, namespace, cluster, applied, readyTimeout));
            }
        } catch (RuntimeException e) {
            // Exit (the shutdown hook stops everything): the client threads would otherwise keep the JVM alive.
            say("failed: " + e);
            System.exit(1);
        }
        if (readyFile != null) {
            Files.writeString(readyFile, "ENDPOINTS=" + String.join(",", endpoints) + "\nKUBECONFIG="
                    + settings.kubeconfig() + "\nWORK_DIR=" + settings.workDir() + "\n");
        }
        stopped.await();
    }

    /**
     * Prints each change of the cluster's phase, ready count and pods until it is Ready and Running; returns its
     * endpoints.
     */
    private static List<String> awaitReady(LocalControlPlane controlPlane, String namespace, String name,
                                           long started, Duration timeout) throws InterruptedException, IOException {
        String last = "";
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!controlPlane.operatorAlive()) {
                throw new IllegalStateException("the operator exited; see " + controlPlane.operatorLog());
            }
            GenericKubernetesResource cluster = controlPlane.kvCluster(namespace, name);
            Map<String, Object> status = cluster == null ? null : cluster.get("status");
            List<Pod> pods = controlPlane.client().pods().inNamespace(namespace)
                    .withLabel("app.kubernetes.io/instance", name).list().getItems();
            String podText = pods.stream().map(ControlPlaneMain::podSummary).sorted()
                    .collect(Collectors.joining(" "));
            String now = status == null ? "no status yet"
                    : "phase " + status.get("phase") + ", ready " + status.get("readyReplicas") + ", pods: "
                    + (podText.isEmpty() ? "none" : podText);
            if (!now.equals(last)) {
                say(String.format("%6.1fs  %s/%s: %s", (System.nanoTime() - started) / 1e9, namespace, name, now));
                last = now;
            }
            if (status != null && ready(status) && "Running".equals(status.get("phase"))) {
                say(String.format("%s/%s is Ready, %.1f s after it was applied", namespace, name,
                        (System.nanoTime() - started) / 1e9));
                return pods.stream().filter(p -> p.getStatus() != null && p.getStatus().getPodIP() != null)
                        .map(p -> p.getStatus().getPodIP() + ":2379").sorted().toList();
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException(namespace + "/" + name + " not Ready within " + timeout + "; see "
                + controlPlane.operatorLog());
    }

    @SuppressWarnings("unchecked")
    static boolean ready(Map<String, Object> status) {
        Object conditions = status.get("conditions");
        if (!(conditions instanceof List<?> list)) {
            return false;
        }
        return list.stream().map(c -> (Map<String, Object>) c)
                .anyMatch(c -> "Ready".equals(c.get("type")) && "True".equals(c.get("status")));
    }

    private static String podSummary(Pod pod) {
        String phase = pod.getStatus() == null || pod.getStatus().getPhase() == null ? "Pending"
                : pod.getStatus().getPhase();
        boolean ready = StatefulSetController.ready(pod);
        String ip = pod.getStatus() == null || pod.getStatus().getPodIP() == null ? "" : "@" + pod.getStatus()
                .getPodIP();
        return pod.getMetadata().getName() + "=" + (ready ? "Ready" : phase) + ip;
    }

    private static void say(String line) {
        System.out.println("[control-plane] " + line);
        System.out.flush();
    }
}
