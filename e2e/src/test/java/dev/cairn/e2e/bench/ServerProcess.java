package dev.cairn.e2e.bench;

import com.google.protobuf.ByteString;
import dev.cairn.e2e.controlplane.KvnodeImage;
import dev.cairn.kvnode.proto.etcdserverpb.KVGrpc;
import dev.cairn.kvnode.proto.etcdserverpb.RangeRequest;
import dev.cairn.kvnode.proto.etcdserverpb.RangeResponse;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * etcd or kvnode as a real one-member process on loopback ports, started with the same etcd flags, its output kept
 * in a log file beside its data directory. {@link #startNanos} is taken just before the process is forked, so that
 * {@link #awaitFirstGet} measures everything a user waits for: exec, JVM start-up, recovery, election, first read.
 */
final class ServerProcess implements AutoCloseable {
    enum Kind { ETCD, KVNODE }

    final Kind kind;
    final Path dataDir;
    final Path log;
    final int clientPort;
    private final Process process;
    private final long startNanos;

    private ServerProcess(Kind kind, Path dataDir, Path log, int clientPort, Process process, long startNanos) {
        this.kind = kind;
        this.dataDir = dataDir;
        this.log = log;
        this.clientPort = clientPort;
        this.process = process;
        this.startNanos = startNanos;
    }

    /**
     * Loopback ports of one member. A restart must reuse them, as a real member keeps its address: kvnode derives
     * the member id from the peer URL and refuses a data dir written under another one.
     */
    record Ports(int client, int peer) {
        static Ports free() throws IOException {
            return new Ports(freePort(), freePort());
        }
    }

    /** Forks a one-member server on {@code dataDir} (created by the server when missing) and returns at once. */
    static ServerProcess start(Kind kind, Path dataDir, Ports ports, Path kvnodeJar) throws IOException {
        return start(kind, "bench", dataDir, ports, "bench=" + peerUrl(ports), "etcd-cluster", kvnodeJar);
    }

    /**
     * Forks member {@code name} of the cluster {@code initialCluster} (etcd's {@code name=peerURL,...}), with the
     * same etcd flags for etcd and kvnode, and returns at once.
     */
    static ServerProcess start(Kind kind, String name, Path dataDir, Ports ports, String initialCluster, String token,
            Path kvnodeJar) throws IOException {
        int client = ports.client();
        String clientUrl = clientUrl(ports);
        String peerUrl = peerUrl(ports);
        List<String> command = new ArrayList<>();
        if (kind == Kind.ETCD) {
            command.add(etcdBinary());
        } else {
            // As the image runs it (its heap share of the memory): each side is measured as it ships.
            command.add(javaBinary());
            command.addAll(KvnodeImage.JAVA_OPTS);
            command.addAll(List.of("-jar", kvnodeJar.toString(), "serve"));
        }
        command.addAll(List.of("--name", name, "--data-dir", dataDir.toString(),
                "--listen-client-urls", clientUrl, "--advertise-client-urls", clientUrl,
                "--listen-peer-urls", peerUrl, "--initial-advertise-peer-urls", peerUrl,
                "--initial-cluster", initialCluster, "--initial-cluster-state", "new",
                "--initial-cluster-token", token));
        Path log = dataDir.resolveSibling(dataDir.getFileName() + ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        long startNanos = System.nanoTime();
        Process process = builder.start();
        return new ServerProcess(kind, dataDir, log, client, process, startNanos);
    }

    static String clientUrl(Ports ports) {
        return "http://127.0.0.1:" + ports.client();
    }

    static String peerUrl(Ports ports) {
        return "http://127.0.0.1:" + ports.peer();
    }

    /** A new channel to this server; callbacks run on the transport's threads (no executor hop per response). */
    ManagedChannel channel() {
        return NettyChannelBuilder.forAddress("127.0.0.1", clientPort).usePlaintext().directExecutor()
                .maxInboundMessageSize(64 << 20).build();
    }

    /**
     * Polls until a linearizable get of {@code key} succeeds; returns it and the nanoseconds since the fork.
     * A fresh channel per failed attempt, because a channel that once failed to connect waits out gRPC's
     * reconnect back-off (a second or more), which would be measured as start-up time.
     */
    Timed<RangeResponse> awaitFirstGet(ByteString key, long timeoutSeconds) throws InterruptedException {
        long giveUp = startNanos + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        Exception last = null;
        while (System.nanoTime() < giveUp) {
            if (!process.isAlive()) {
                throw new IllegalStateException(kind + " exited with " + process.exitValue() + " before serving; "
                        + "log " + log + ":\n" + logTail());
            }
            if (!portOpen()) {
                Thread.sleep(5);
                continue;
            }
            ManagedChannel channel = channel();
            try {
                RangeResponse response = KVGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                        .range(RangeRequest.newBuilder().setKey(key).build());
                return new Timed<>(response, System.nanoTime() - startNanos);
            } catch (StatusRuntimeException e) {
                last = e;
                Thread.sleep(5);
            } finally {
                channel.shutdownNow();
            }
        }
        throw new IllegalStateException(kind + " served no linearizable get within " + timeoutSeconds + " s (last: "
                + last + "); log " + log + ":\n" + logTail());
    }

    record Timed<T>(T value, long nanos) {
    }

    /** SIGTERM, then waits for the exit; returns the nanoseconds it took to stop. */
    long terminate(long timeoutSeconds) throws InterruptedException {
        long t0 = System.nanoTime();
        process.destroy();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new IllegalStateException(kind + " did not stop within " + timeoutSeconds + " s of SIGTERM; log "
                    + log + ":\n" + logTail());
        }
        long took = System.nanoTime() - t0;
        if (process.exitValue() != 0 && process.exitValue() != 143) {
            throw new IllegalStateException(kind + " exited with " + process.exitValue() + " on SIGTERM; log " + log
                    + ":\n" + logTail());
        }
        return took;
    }

    /** kill -9, as a crash would stop it. */
    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    int exitValue() {
        return process.exitValue();
    }

    String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }

    private boolean portOpen() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", clientPort), 100);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static String etcdBinary() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, "etcd"))) {
                return Path.of(dir, "etcd").toString();
            }
        }
        throw new IllegalStateException("etcd is not installed: run `make deps` (Debian package etcd-server)");
    }

    static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
