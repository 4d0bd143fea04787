package dev.cairn.kvnode.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A kvnode cluster of real processes on loopback ports, started with etcd's flags as users start it
 * ({@code java -jar kvnode.jar serve --initial-cluster ...}), each member with its data directory and a log file
 * beside it. Members can be killed (SIGKILL), stopped (SIGTERM), restarted on their data, and added as new members
 * that join the running cluster.
 */
public final class ClusterProcesses implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private static final String TOKEN = "cluster-test";

    /** One member's fixed coordinates; its process comes and goes. */
    public static final class Node {
        final String name;
        final String host;
        final int clientPort;
        final int peerPort;
        final int metricsPort;
        final Path dataDir;
        String maxHeap = "256m";
        /** JVM options of its next start, e.g. the image it stands for (see {@link #runAs}). */
        List<String> jvmOptions = List.of();
        Process process;

        Node(String name, String host, Path root) {
            this.name = name;
            this.host = host;
            this.clientPort = FreePorts.next(host);
            this.peerPort = FreePorts.next(host);
            this.metricsPort = FreePorts.next(host);
            this.dataDir = root.resolve(name);
        }

        public String name() {
            return name;
        }

        /**
         * The heap this member gets from its next start on (-Xmx; 256m unless set); it exits on running out of it
         * rather than limping on.
         */
        public void maxHeap(String value) {
            maxHeap = value;
        }

        public String clientUrl() {
            return "http://" + host + ":" + clientPort;
        }

        public String peerUrl() {
            return "http://" + host + ":" + peerPort;
        }

        public boolean isRunning() {
            return process != null && process.isAlive();
        }

        public Path log() {
            return dataDir.resolveSibling(name + ".log");
        }

        public String metricsUrl() {
            return "http://" + host + ":" + metricsPort;
        }
    }

    private final Path root;
    /**
     * The loopback address every member of this cluster binds to: one of its own in 127.0.0.0/8, so that ports picked
     * free here cannot be taken meanwhile by the ephemeral ports of other tests' connections (those come from
     * 127.0.0.1).
     */
    private final String host = FreePorts.randomLoopbackHost();
    private final List<String> extraArgs;
    private final List<Node> nodes = new ArrayList<>();

    private ClusterProcesses(Path root, List<String> extraArgs) {
        this.root = root;
        this.extraArgs = List.copyOf(extraArgs);
    }

    /** Starts {@code size} founding members at once and waits until every one reports healthy. */
    public static ClusterProcesses start(Path root, int size, List<String> extraArgs) throws IOException {
        ClusterProcesses cluster = prepare(root, size, extraArgs);
        cluster.startAll();
        return cluster;
    }

    /**
     * The coordinates of {@code size} founding members, none started yet: for tests that fill their data
     * directories first (a restore from a backup).
     */
    public static ClusterProcesses prepare(Path root, int size, List<String> extraArgs) {
        ClusterProcesses cluster = new ClusterProcesses(root, extraArgs);
        for (int i = 1; i <= size; i++) {
            cluster.nodes.add(new Node("m" + i, cluster.host, root));
        }
        return cluster;
    }

    /** Starts every prepared member at once and waits until each reports healthy. */
    public void startAll() throws IOException {
        for (Node node : nodes) {
            launch(node, initialCluster(), "new");
        }
        nodes.forEach(this::awaitHealthy);
    }

    /** The founders as {@code --initial-cluster} lists them. */
    public String initialCluster() {
        return nodes.stream().map(n -> n.name + "=" + n.peerUrl()).collect(Collectors.joining(","));
    }

    public static String token() {
        return TOKEN;
    }

    public Path dataDir(Node node) {
        return node.dataDir;
    }

    public List<Node> nodes() {
        return List.copyOf(nodes);
    }

    public Node node(int index) {
        return nodes.get(index);
    }

    public List<String> clientUrls() {
        return nodes.stream().filter(Node::isRunning).map(Node::clientUrl).toList();
    }

    /** A member that can be added with MemberAdd: its coordinates, not yet running. */
    public Node prepareNewMember() {
        Node node = new Node("m" + (nodes.size() + 1), host, root);
        nodes.add(node);
        return node;
    }

    /** Starts a member added with MemberAdd, joining the running cluster (--initial-cluster-state existing). */
    public void join(Node node) throws IOException {
        String initialCluster = nodes.stream().filter(n -> n == node || n.isRunning())
                .map(n -> n.name + "=" + n.peerUrl()).collect(Collectors.joining(","));
        launch(node, initialCluster, "existing");
        awaitHealthy(node);
    }

    /** SIGKILL: no flush, no close. */
    public void kill(Node node) throws InterruptedException {
        node.process.destroyForcibly();
        node.process.waitFor();
    }

    /** SIGTERM, as a pod is stopped; returns the exit code. */
    public int stop(Node node) throws InterruptedException {
        node.process.destroy();
        if (!node.process.waitFor(30, TimeUnit.SECONDS)) {
            node.process.destroyForcibly().waitFor();
            throw new IllegalStateException(node.name + " did not stop within 30 s of SIGTERM");
        }
        return node.process.exitValue();
    }

    /**
     * Cuts every peer link of {@code node} (a partition that leaves it alone, while its clients can still reach it),
     * through the member's fault-injection endpoint: it drops what it would send to and receive from each founder.
     */
    public void isolate(Node node) {
        for (Node other : nodes) {
            if (other != node) {
                postFault(node, "isolate=" + Long.toHexString(founderId(other)));
            }
        }
    }

    /** Restores every peer link of {@code node}. */
    public void heal(Node node) {
        postFault(node, "heal=all");
    }

    /** The id a founding member has: derived from its peer URL and the token, as etcd derives it. */
    public static long founderId(Node node) {
        return dev.cairn.kvnode.server.MemberIds.memberId(List.of(node.peerUrl()), TOKEN);
    }

    private static void postFault(Node node, String query) {
        try {
            int status = HTTP.send(HttpRequest.newBuilder(URI.create(node.metricsUrl()
                    + "/debug/peer-faults?" + query)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode();
            if (status != 200) {
                throw new IllegalStateException("peer fault " + query + " on " + node.name + " answered " + status);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** SIGSTOP: the process freezes mid-flight, as under a long GC pause or a stalled VM (scenario K-3). */
    public void pause(Node node) throws IOException, InterruptedException {
        signal(node, "STOP");
    }

    /** SIGCONT after {@link #pause}: the process goes on as if no time had passed. */
    public void resume(Node node) throws IOException, InterruptedException {
        signal(node, "CONT");
    }

    private static void signal(Node node, String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(node.process.pid())).start();
        if (kill.waitFor() != 0) {
            throw new IllegalStateException("kill -" + signal + " " + node.process.pid() + " failed");
        }
    }

    /** Starts a stopped member again on its data directory (its flags no longer matter, as with etcd). */
    public void restart(Node node) throws IOException {
        String initialCluster = nodes.stream().map(n -> n.name + "=" + n.peerUrl()).collect(Collectors.joining(","));
        launch(node, initialCluster, "new");
        awaitHealthy(node);
    }

    /**
     * From its next start on, {@code node} stands for {@code image}, as the local control plane names the image a
     * member runs ({@code -Dcairn.image}): a tag such as "0.1.1" is then the Cairn release the member runs.
     */
    public void runAs(Node node, String image) {
        node.jvmOptions = List.of("-D" + dev.cairn.kvnode.server.CairnRelease.IMAGE_PROPERTY + "=" + image);
    }

    /** Starts a stopped member that is expected to refuse to run: waits for it to exit and returns its exit code. */
    public int restartExpectingExit(Node node) throws IOException, InterruptedException {
        String initialCluster = nodes.stream().map(n -> n.name + "=" + n.peerUrl()).collect(Collectors.joining(","));
        launch(node, initialCluster, "new");
        if (!node.process.waitFor(60, TimeUnit.SECONDS)) {
            node.process.destroyForcibly().waitFor();
            throw new IllegalStateException(node.name + " was expected to exit but still ran after 60 s");
        }
        return node.process.exitValue();
    }

    /** The body of a GET on the member's metrics listener ({@code /version}, ...); empty when it does not answer. */
    public Optional<String> httpGet(Node node, String path) {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(node.metricsUrl() + path))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? Optional.of(response.body()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** The running member that says it is the leader, once exactly one does. */
    public Node awaitLeader() {
        return await("a leader").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(this::leader, Optional::isPresent).orElseThrow();
    }

    public Optional<Node> leader() {
        List<Node> leaders = nodes.stream().filter(Node::isRunning)
                .filter(node -> metric(node, "etcd_server_is_leader").orElse(0.0) == 1.0).toList();
        return leaders.size() == 1 ? Optional.of(leaders.get(0)) : Optional.empty();
    }

    /** A gauge or counter from the member's /metrics; empty when it cannot be read. */
    public Optional<Double> metric(Node node, String name) {
        try {
            String body = HTTP.send(HttpRequest.newBuilder(URI.create(node.metricsUrl()
                    + "/metrics")).timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString())
                    .body();
            return body.lines().filter(line -> line.startsWith(name + " ")).findFirst()
                    .map(line -> Double.parseDouble(line.substring(name.length() + 1).trim()));
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /**
     * The sum of every series of a metric with labels (a counter per peer, say
     * {@code etcd_network_snapshot_receive_success_total{From="..."}}); 0 when none is exported yet.
     */
    public double metricSum(Node node, String name) {
        try {
            String body = HTTP.send(HttpRequest.newBuilder(URI.create(node.metricsUrl()
                    + "/metrics")).timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString())
                    .body();
            return body.lines().filter(line -> line.startsWith(name + "{") || line.startsWith(name + " "))
                    .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1).trim()))
                    .sum();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("metrics of " + node.name, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void launch(Node node, String initialCluster, String state) throws IOException {
        String jar = System.getProperty("kvnode.jar");
        if (jar == null || !Files.isRegularFile(Path.of(jar))) {
            throw new IllegalStateException("kvnode.jar not found at " + jar + ": run the tests through Maven "
                    + "(failsafe sets kvnode.jar after the package phase)");
        }
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx" + node.maxHeap,
                "-XX:+ExitOnOutOfMemoryError"));
        command.addAll(node.jvmOptions);
        command.addAll(List.of("-jar", jar, "serve",
                "--name", node.name, "--data-dir", node.dataDir.toString(),
                "--listen-client-urls", node.clientUrl(), "--advertise-client-urls", node.clientUrl(),
                "--listen-peer-urls", node.peerUrl(), "--initial-advertise-peer-urls", node.peerUrl(),
                "--initial-cluster", initialCluster, "--initial-cluster-state", state,
                "--initial-cluster-token", TOKEN, "--experimental-peer-fault-injection",
                "--listen-metrics-urls", node.metricsUrl()));
        command.addAll(extraArgs);
        node.process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(node.log().toFile())).start();
    }

    private void awaitHealthy(Node node) {
        await(node.name + " /health").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    if (!node.process.isAlive()) {
                        throw new IllegalStateException(node.name + " exited with " + node.process.exitValue()
                                + ":\n" + Files.readString(node.log()));
                    }
                    try {
                        return HTTP.send(HttpRequest.newBuilder(URI.create(node.metricsUrl()
                                + "/health")).build(), HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
                    } catch (IOException e) {
                        return false;
                    }
                });
    }

    @Override
    public void close() throws InterruptedException {
        for (Node node : nodes) {
            if (node.isRunning()) {
                node.process.destroy();
            }
        }
        for (Node node : nodes) {
            if (node.process != null && !node.process.waitFor(30, TimeUnit.SECONDS)) {
                node.process.destroyForcibly().waitFor();
            }
        }
    }
}
