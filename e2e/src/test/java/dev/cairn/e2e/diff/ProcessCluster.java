package dev.cairn.e2e.diff;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Members of one cluster as child processes on loopback ports, bootstrapped together with {@code --initial-cluster}
 * as an operator bootstraps them. Subclasses say which server binary runs and how it is called; this class plans the
 * ports and data directories, starts every member, and waits until {@code etcdctl endpoint health} is good for all
 * of them — the same readiness check on both sides, so neither is compared while still electing.
 */
abstract class ProcessCluster implements DiffCluster {
    static final String TOKEN = "cairn-diff";
    private static final Duration HEALTHY_WITHIN = Duration.ofSeconds(90);

    private final Path root;
    private final List<ClusterMember> members = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();
    private final String sparePeerUrl = LoopbackPorts.url();

    ProcessCluster(Path root, int size) {
        this.root = root;
        for (int i = 1; i <= size; i++) {
            members.add(new ClusterMember("m" + i, LoopbackPorts.url(), LoopbackPorts.url()));
        }
    }

    /** The command line of one founding member; {@code initialCluster} lists every founder as name=peerURL. */
    abstract List<String> command(ClusterMember member, Path dataDir, String initialCluster);

    /** Starts every member and returns once all are healthy; on failure, stops what was started. */
    final void startAll() {
        try {
            Files.createDirectories(workDir());
            String initialCluster = members.stream().map(m -> m.name() + "=" + m.peerUrl())
                    .collect(Collectors.joining(","));
            for (ClusterMember member : members) {
                Path log = root.resolve(member.name() + ".log");
                processes.add(new ProcessBuilder(command(member, root.resolve(member.name()), initialCluster))
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                        .start());
            }
            awaitAllHealthy();
        } catch (IOException e) {
            close();
            throw new UncheckedIOException("cannot start " + kind() + " members under " + root, e);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private void awaitAllHealthy() {
        Etcdctl etcdctl = Etcdctl.onPath();
        String all = members.stream().map(ClusterMember::clientUrl).collect(Collectors.joining(","));
        await(kind() + " members " + all + " healthy").atMost(HEALTHY_WITHIN).pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    for (int i = 0; i < processes.size(); i++) {
                        if (!processes.get(i).isAlive()) {
                            Path log = root.resolve(members.get(i).name() + ".log");
                            throw new IllegalStateException(kind() + " member " + members.get(i).name()
                                    + " exited with " + processes.get(i).exitValue() + ":\n" + Files.readString(log));
                        }
                    }
                    return etcdctl.run(all, List.of("endpoint", "health"), new byte[0]).exitCode() == 0;
                });
    }

    @Override
    public final List<ClusterMember> members() {
        return List.copyOf(members);
    }

    @Override
    public final String clusterToken() {
        return TOKEN;
    }

    @Override
    public final String sparePeerUrl() {
        return sparePeerUrl;
    }

    @Override
    public final Path workDir() {
        return root.resolve("work");
    }

    @Override
    public final void close() {
        processes.forEach(Process::destroy);
        for (Process process : processes) {
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        processes.clear();
    }
}
