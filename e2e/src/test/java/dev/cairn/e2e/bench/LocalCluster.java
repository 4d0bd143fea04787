package dev.cairn.e2e.bench;

import com.google.protobuf.ByteString;
import dev.cairn.e2e.bench.ServerProcess.Kind;
import dev.cairn.kvnode.proto.etcdserverpb.CompactionRequest;
import dev.cairn.kvnode.proto.etcdserverpb.KVGrpc;
import dev.cairn.kvnode.proto.etcdserverpb.RangeRequest;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A cluster of {@code members} etcd or kvnode processes on loopback, bootstrapped together with etcd's flags
 * ({@code --initial-cluster m0=...,m1=...,m2=... --initial-cluster-state new --initial-cluster-token ...}), data
 * directories side by side under one root. Ready once every member has answered a linearizable get: a leader is
 * elected and each member reaches it.
 */
final class LocalCluster implements AutoCloseable {
    private final Kind kind;
    private final List<ServerProcess> members = new ArrayList<>();
    private final List<ServerProcess.Ports> ports = new ArrayList<>();

    private LocalCluster(Kind kind) {
        this.kind = kind;
    }

    static LocalCluster start(Kind kind, int size, Path root, Path kvnodeJar, long readyTimeoutSeconds)
            throws IOException, InterruptedException {
        Files.createDirectories(root);
        LocalCluster cluster = new LocalCluster(kind);
        try {
            for (int i = 0; i < size; i++) {
                cluster.ports.add(ServerProcess.Ports.free());
            }
            String initialCluster = java.util.stream.IntStream.range(0, size)
                    .mapToObj(i -> "m" + i + "=" + ServerProcess.peerUrl(cluster.ports.get(i)))
                    .collect(Collectors.joining(","));
            // One token per cluster, as a real deployment has: two clusters started here never share member ids.
            String token = "bench-" + ComparisonTable.name(kind) + "-" + size + "-" + ProcessHandle.current().pid();
            for (int i = 0; i < size; i++) {
                cluster.members.add(ServerProcess.start(kind, "m" + i, root.resolve("m" + i), cluster.ports.get(i),
                        initialCluster, token, kvnodeJar));
            }
            for (ServerProcess member : cluster.members) {
                member.awaitFirstGet(ByteString.copyFromUtf8("ready"), readyTimeoutSeconds);
            }
            return cluster;
        } catch (IOException | InterruptedException | RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    /** Client endpoints of every member, comma-separated, as {@code kvnode bench --endpoints} takes them. */
    String endpoints() {
        return ports.stream().map(ServerProcess::clientUrl).collect(Collectors.joining(","));
    }

    /**
     * Puts the leadership on member {@code index} (see {@link LeaderPlacement}); says whether it had to be moved
     * there.
     */
    LeaderPlacement.Outcome leadOn(int index, long timeoutSeconds) throws InterruptedException {
        return LeaderPlacement.lead(members, index, timeoutSeconds);
    }

    /**
     * Compacts the history to the current revision and waits until the compacted changes are gone (etcd's Compact
     * with {@code physical}), as a deployment's periodic compaction does (kube-apiserver: every 5 minutes). Returns
     * the revision, or 0 when nothing was written since the last compaction.
     */
    long compactToCurrentRevision(long timeoutSeconds) {
        ManagedChannel channel = members.get(0).channel();
        try {
            KVGrpc.KVBlockingStub kv = KVGrpc.newBlockingStub(channel);
            long revision = kv.withDeadlineAfter(timeoutSeconds, TimeUnit.SECONDS)
                    .range(RangeRequest.newBuilder().setKey(ByteString.copyFromUtf8("compaction-probe")).build())
                    .getHeader().getRevision();
            try {
                kv.withDeadlineAfter(timeoutSeconds, TimeUnit.SECONDS).compact(CompactionRequest.newBuilder()
                        .setRevision(revision).setPhysical(true).build());
                return revision;
            } catch (StatusRuntimeException e) {
                if (String.valueOf(e.getStatus().getDescription()).contains("required revision has been compacted")) {
                    return 0;
                }
                throw e;
            }
        } finally {
            channel.shutdownNow();
        }
    }

    List<ServerProcess> members() {
        return List.copyOf(members);
    }

    Kind kind() {
        return kind;
    }

    /** SIGTERM to every member, then the wait for each. */
    @Override
    public void close() throws InterruptedException {
        for (ServerProcess member : members) {
            member.close();
        }
    }
}
