package dev.cairn.operator.members;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Real etcd members (Debian's etcd-server) as child processes on loopback ports, for tests of the operator's
 * {@code members} package. Members join the way the operator makes pods join: the first ones bootstrap together
 * with {@code --initial-cluster-state new}; a later one is planned, added through the API, then started with
 * {@code existing}.
 */
final class LocalEtcdCluster implements AutoCloseable {

    /** A member's name and the URLs it will listen on, known before it runs (as a StatefulSet ordinal's are). */
    record PlannedMember(String name, String clientUrl, String peerUrl) {
    }

    private final Path baseDir;
    private final String etcd = ExternalBinary.require("etcd");
    private final Map<String, PlannedMember> running = new LinkedHashMap<>();
    private final Map<String, Process> processes = new LinkedHashMap<>();

    private LocalEtcdCluster(Path baseDir) {
        this.baseDir = baseDir;
    }

    /** Starts {@code size} members named m1..mN and waits until each answers a health check. */
    static LocalEtcdCluster start(Path baseDir, int size) throws IOException {
        LocalEtcdCluster cluster = new LocalEtcdCluster(baseDir);
        try {
            List<PlannedMember> founders = new ArrayList<>();
            for (int i = 1; i <= size; i++) {
                founders.add(plan("m" + i));
            }
            String initialCluster = initialCluster(founders);
            for (PlannedMember member : founders) {
                cluster.launch(member, initialCluster, "new");
            }
            for (PlannedMember member : founders) {
                cluster.awaitHealthy(member);
            }
            return cluster;
        } catch (RuntimeException | IOException e) {
            cluster.close();
            throw e;
        }
    }

    static PlannedMember plan(String name) {
        return new PlannedMember(name, "http://127.0.0.1:" + FreePorts.next(), "http://127.0.0.1:" + FreePorts.next());
    }

    /**
     * Starts a member that was already added to the cluster (as a learner or voter). It is not awaited: a learner
     * refuses the linearizable read a health check makes until it is promoted.
     */
    void startJoining(PlannedMember member) throws IOException {
        List<PlannedMember> all = new ArrayList<>(running.values());
        all.add(member);
        launch(member, initialCluster(all), "existing");
    }

    List<PlannedMember> members() {
        return List.copyOf(running.values());
    }

    List<String> clientUrls() {
        return running.values().stream().map(PlannedMember::clientUrl).toList();
    }

    PlannedMember member(String name) {
        return running.get(name);
    }

    /** Stops one member's process (e.g. after it was removed) and forgets it. */
    void stop(String name) {
        running.remove(name);
        Process process = processes.remove(name);
        if (process != null) {
            stop(process);
        }
    }

    @Override
    public void close() {
        processes.values().forEach(Process::destroy);
        processes.values().forEach(LocalEtcdCluster::stop);
        processes.clear();
        running.clear();
    }

    private void launch(PlannedMember member, String initialCluster, String state) throws IOException {
        Path dataDir = baseDir.resolve(member.name());
        Files.createDirectories(baseDir);
        Process process = new ProcessBuilder(List.of(etcd, "--name", member.name(),
                "--data-dir", dataDir.toString(),
                "--listen-client-urls", member.clientUrl(), "--advertise-client-urls", member.clientUrl(),
                "--listen-peer-urls", member.peerUrl(), "--initial-advertise-peer-urls", member.peerUrl(),
                "--initial-cluster", initialCluster, "--initial-cluster-state", state,
                "--initial-cluster-token", "cairn-members-it", "--log-level", "warn"))
                .redirectErrorStream(true)
                .redirectOutput(baseDir.resolve(member.name() + ".log").toFile())
                .start();
        running.put(member.name(), member);
        processes.put(member.name(), process);
    }

    private void awaitHealthy(PlannedMember member) {
        Process process = processes.get(member.name());
        String etcdctl = ExternalBinary.require("etcdctl");
        await(member.name() + " at " + member.clientUrl() + " answers").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException(member.name() + " exited with " + process.exitValue()
                                + "; see " + baseDir.resolve(member.name() + ".log"));
                    }
                    return EtcdCtl.run(etcdctl, "--endpoints", member.clientUrl(), "endpoint", "health")
                            .exitCode() == 0;
                });
    }

    private static String initialCluster(List<PlannedMember> members) {
        return members.stream().map(m -> m.name() + "=" + m.peerUrl()).collect(Collectors.joining(","));
    }

    private static void stop(Process process) {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
