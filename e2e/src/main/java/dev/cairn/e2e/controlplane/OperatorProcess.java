package dev.cairn.e2e.controlplane;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The operator as it is shipped, its packaged Quarkus application ({@code quarkus-run.jar}), in its own JVM,
 * pointed at the embedded API server by its kubeconfig and the Quarkus client settings, resolving the members'
 * DNS names through the control plane's hosts file. The only settings that differ from a Deployment on a real
 * cluster: its HTTP endpoint (health, metrics) listens on 127.0.0.1 on a free port, and it looks again sooner mid-step
 * ({@code cairn.operator.requeue-delay}).
 */
public final class OperatorProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private final Process process;
    private final Path log;
    private final int httpPort;

    private OperatorProcess(Process process, Path log, int httpPort) {
        this.process = process;
        this.log = log;
        this.httpPort = httpPort;
    }

    public static OperatorProcess start(ControlPlaneSettings settings, EmbeddedApiServer apiServer,
                                        HostsFile hosts) {
        if (!Files.isRegularFile(settings.operatorJar())) {
            throw new IllegalStateException("missing " + settings.operatorJar()
                    + ": build the operator first (./mvnw -B -q install -DskipTests)");
        }
        List<String> command = new ArrayList<>();
        command.add(settings.java().toString());
        command.add("-Xmx256m");
        command.addAll(settings.jvmOptions());
        command.addAll(hosts.jvmOptions());
        command.add("-jar");
        command.add(settings.operatorJar().toString());
        Path log = settings.logDir().resolve("operator.log");
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(key -> key.startsWith("QUARKUS_") || key.startsWith("CAIRN_")
                || key.equals("JAVA_TOOL_OPTIONS") || key.startsWith("KUBERNETES_"));
        env.put("KUBECONFIG", settings.kubeconfig().toString());
        env.put("QUARKUS_KUBERNETES_CLIENT_API_SERVER_URL", apiServer.url());
        env.put("QUARKUS_KUBERNETES_CLIENT_TRUST_CERTS", "true");
        env.put("QUARKUS_HTTP_HOST", "127.0.0.1");
        int httpPort = freePort();
        env.put("QUARKUS_HTTP_PORT", Integer.toString(httpPort));
        env.put("CAIRN_OPERATOR_REQUEUE_DELAY", settings.operatorRequeue().toMillis() + "ms");
        try {
            Files.createDirectories(log.getParent());
            return new OperatorProcess(builder.start(), log, httpPort);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the operator: " + command, e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on 127.0.0.1 for the operator", e);
        }
    }

    /**
     * Waits until the operator says it is ready ({@code /q/health/ready}: its controllers started and their
     * informers synced), so that what is applied next is reconciled at once.
     */
    public void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        URI ready = URI.create("http://127.0.0.1:" + httpPort + "/q/health/ready");
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the operator exited with " + process.exitValue() + "; see " + log);
            }
            try {
                if (HTTP.send(HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the operator", e);
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the operator", e);
            }
        }
        throw new IllegalStateException("the operator was not ready within " + timeout + "; see " + log);
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public Path log() {
        return log;
    }

    /** SIGTERM, then SIGKILL if it has not stopped within the grace period. */
    @Override
    public void close() {
        ProcessStopper.stop(process, Duration.ofSeconds(20));
    }
}
