package dev.cairn.e2e;

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
import java.util.concurrent.TimeUnit;

/**
 * kvnode as users run it: {@code java -jar kvnode.jar serve ...} in its own process, on loopback ports, with its
 * output kept in a log file beside the data directory.
 */
final class KvnodeProcess implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private final Process process;
    private final int clientPort;
    private final int metricsPort;
    private final Path log;

    private KvnodeProcess(Process process, int clientPort, int metricsPort, Path log) {
        this.process = process;
        this.clientPort = clientPort;
        this.metricsPort = metricsPort;
        this.log = log;
    }

    /** Starts a one-member cluster in {@code dataDir} and waits until its /health says it serves. */
    static KvnodeProcess start(Path dataDir, int clientPort, int peerPort, int metricsPort) throws IOException {
        return start(dataDir, clientPort, peerPort, metricsPort, List.of());
    }

    /** As {@link #start(Path, int, int, int)}, with {@code extraArgs} appended to the {@code serve} flags. */
    static KvnodeProcess start(Path dataDir, int clientPort, int peerPort, int metricsPort, List<String> extraArgs)
            throws IOException {
        String jar = System.getProperty("kvnode.jar");
        if (jar == null || !Files.isRegularFile(Path.of(jar))) {
            throw new IllegalStateException("kvnode.jar not found at " + jar + ": build kvnode first (./mvnw package)");
        }
        String client = "http://127.0.0.1:" + clientPort;
        String peer = "http://127.0.0.1:" + peerPort;
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar, "serve",
                "--name", "e2e", "--data-dir", dataDir.toString(),
                "--listen-client-urls", client, "--advertise-client-urls", client,
                "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
                "--initial-cluster", "e2e=" + peer,
                "--listen-metrics-urls", "http://127.0.0.1:" + metricsPort));
        command.addAll(extraArgs);
        Path log = dataDir.resolveSibling(dataDir.getFileName() + ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        KvnodeProcess started = new KvnodeProcess(process, clientPort, metricsPort, log);
        started.awaitHealthy();
        return started;
    }

    String clientUrl() {
        return "http://127.0.0.1:" + clientPort;
    }

    String log() throws IOException {
        return Files.readString(log);
    }

    /** SIGKILL: the process gets no chance to flush or close anything. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** SIGTERM, as Kubernetes stops a pod; returns the exit code. */
    int terminate() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new IllegalStateException("kvnode did not stop within 30 s of SIGTERM");
        }
        return process.exitValue();
    }

    private void awaitHealthy() {
        await("kvnode /health on port " + metricsPort).atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100)).until(() -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException("kvnode exited with " + process.exitValue() + ":\n" + log());
                    }
                    try {
                        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort
                                + "/health")).build(), HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
                    } catch (IOException e) {
                        return false;
                    }
                });
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            terminate();
        }
    }
}
