package dev.cairn.kvnode.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** A real etcd (Debian's etcd-server) as a child process on loopback ports: the reference kvnode is held to. */
public final class ReferenceEtcd implements AutoCloseable {
    private final Process process;
    private final String clientUrl;

    private ReferenceEtcd(Process process, String clientUrl) {
        this.process = process;
        this.clientUrl = clientUrl;
    }

    public static ReferenceEtcd start(Path dataDir) throws IOException {
        return start(dataDir, List.of());
    }

    /** With {@code extraFlags} after the ones that place it on loopback ports (e.g. a --quota-backend-bytes). */
    public static ReferenceEtcd start(Path dataDir, List<String> extraFlags) throws IOException {
        String etcd = ExternalCommand.require("etcd");
        String client = "http://127.0.0.1:" + FreePorts.next();
        String peer = "http://127.0.0.1:" + FreePorts.next();
        List<String> command = new java.util.ArrayList<>(List.of(etcd, "--name", "reference", "--data-dir",
                dataDir.toString(), "--listen-client-urls", client, "--advertise-client-urls", client,
                "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
                "--initial-cluster", "reference=" + peer, "--log-level", "error"));
        command.addAll(extraFlags);
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(dataDir.resolveSibling(dataDir.getFileName() + ".log").toFile())
                .start();
        ReferenceEtcd reference = new ReferenceEtcd(process, client);
        await("etcd at " + client + " answers").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException("etcd exited with " + process.exitValue());
                    }
                    return ExternalCommand.run(List.of(ExternalCommand.require("etcdctl"), "--endpoints", client,
                            "endpoint", "health"), "").exitCode() == 0;
                });
        return reference;
    }

    public String clientUrl() {
        return clientUrl;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
