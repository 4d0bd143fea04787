package dev.cairn.kvnode.cluster;

import static dev.cairn.kvnode.testing.OneShotChannel.call;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import dev.cairn.kvnode.proto.etcdserverpb.KVGrpc;
import dev.cairn.kvnode.proto.etcdserverpb.MaintenanceGrpc;
import dev.cairn.kvnode.proto.etcdserverpb.MoveLeaderRequest;
import dev.cairn.kvnode.proto.etcdserverpb.PutRequest;
import dev.cairn.kvnode.testing.ClusterProcesses;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.common.exception.ErrorCode;
import io.etcd.jetcd.common.exception.EtcdException;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.support.CloseableClient;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Watches and leases of the etcd API on real kvnode processes while members are cut off, lag, catch up from a
 * snapshot or die: scenarios W-1, W-6 and L-1 of raft-scenarios.md section C, seen through jetcd as a Java user sees
 * them. Every event a watch is given is compared with the revisions the writes themselves were acknowledged at.
 */
class WatchLeaseClusterIT {
    /**
     * One cluster for the class (starting three members is most of a test's time on a small machine); each test
     * leaves every member running and connected, and uses keys of its own. A snapshot every 20 entries, with 20
     * entries kept behind it, so that a follower cut off for a hundred writes catches up from a snapshot.
     */
    @TempDir
    static Path dir;
    static ClusterProcesses shared;

    @BeforeAll
    static void startCluster() throws Exception {
        shared = ClusterProcesses.start(dir, 3, List.of("--snapshot-count", "20"));
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (shared != null) {
            shared.close();
        }
    }

    /**
     * W-1 (etcd #15271): a follower cut off long enough that the leader compacted its log past it catches up from a
     * snapshot when healed; a watch held on that follower the whole time is given every revision written exactly
     * once and in order — the restore neither repeats old revisions nor skips the ones it brought.
     */
    @Test
    void w01_aWatchOnAFollowerThatCatchesUpFromASnapshotNeverGoesBackInTime() throws Exception {
        // 100 writes are far past the 20 entries the leader keeps behind its last snapshot.
        ClusterProcesses cluster = shared;
        ClusterProcesses.Node leader = cluster.awaitLeader();
        ClusterProcesses.Node follower = otherThan(cluster, leader);
        List<Long> written = new ArrayList<>();
        try (Writer toLeader = new Writer(leader);
                Client client = Client.builder().endpoints(follower.clientUrl()).build()) {
            written.add(toLeader.put("w/0", "first"));
            WatchRecorder watch = new WatchRecorder();
            try (Watch.Watcher ignored = client.getWatchClient().watch(bytes("w/"), WatchOption.builder()
                    .isPrefix(true).withRevision(written.get(0)).build(), watch)) {
                watch.awaitRevision(written.get(0));
                double snapshotsBefore = snapshotsReceived(cluster, follower);

                cluster.isolate(follower);
                for (int i = 1; i <= 100; i++) {
                    written.add(toLeader.put("w/" + (i % 7), "cut-off-" + i));
                }
                cluster.heal(follower);
                for (int i = 101; i <= 120; i++) {
                    written.add(toLeader.put("w/" + (i % 7), "healed-" + i));
                }

                await("the healed follower installs a snapshot from the leader").atMost(Duration.ofSeconds(30))
                        .until(() -> snapshotsReceived(cluster, follower) > snapshotsBefore);
                watch.awaitRevision(written.get(written.size() - 1));
                assertThat(watch.errors).as("watch errors").isEmpty();
                assertThat(watch.eventRevisions()).as("revisions the watch on %s was given", follower.name())
                        .isEqualTo(written);
            }
        }
    }

    /**
     * W-6 (etcd #20221, #19487): a client that saw revision R on the leader resumes its watch at a start revision S
     * above R on a member that lags behind (cut off, then healed). That member must give it nothing below S — no old
     * event, and no progress response whose revision is below S, before or after it catches up — and then every
     * event from S on.
     */
    @Test
    void w06_aWatchFromAFutureRevisionOnALaggingMemberGivesNothingBelowItsStart() throws Exception {
        ClusterProcesses cluster = shared;
        try (Writer toLeader = new Writer(cluster.awaitLeader())) {
            ClusterProcesses.Node leader = toLeader.node;
            ClusterProcesses.Node lagging = otherThan(cluster, leader);
            long before = toLeader.put("f/before", "seen by everyone");
            await("the follower has the first write").atMost(Duration.ofSeconds(10))
                    .until(() -> cluster.metricSum(lagging, "etcd_debugging_mvcc_current_revision") >= before);
            cluster.isolate(lagging);
            long seen = 0;
            for (int i = 0; i < 30; i++) {
                seen = toLeader.put("f/" + (i % 3), "while-lagging-" + i);
            }
            long start = seen + 6;
            try (Client client = Client.builder().endpoints(lagging.clientUrl()).build()) {
                WatchRecorder watch = new WatchRecorder();
                try (Watch.Watcher ignored = client.getWatchClient().watch(bytes("f/"), WatchOption.builder()
                        .isPrefix(true).withRevision(start).withProgressNotify(true).withCreateNotify(true).build(),
                        watch)) {
                    await("the watch created on the lagging member").atMost(Duration.ofSeconds(10))
                            .until(() -> watch.responses.stream().anyMatch(WatchResponse::isCreatedNotify));
                    // While it lags: a progress request must not be answered with the member's own old revision.
                    client.getWatchClient().requestProgress();
                    client.getWatchClient().requestProgress();
                    cluster.heal(lagging);
                    List<Long> expected = new ArrayList<>();
                    for (int i = 0; i < 15; i++) {
                        long revision = toLeader.put("f/" + (i % 3), "after-heal-" + i);
                        if (revision >= start) {
                            expected.add(revision);
                        }
                        client.getWatchClient().requestProgress();
                    }
                    long last = expected.get(expected.size() - 1);
                    watch.awaitRevision(last);
                    await("a progress response once the member is past the start").atMost(Duration.ofSeconds(20))
                            .pollInterval(Duration.ofMillis(200)).until(() -> {
                                client.getWatchClient().requestProgress();
                                return watch.progressRevisions().stream().anyMatch(revision -> revision >= last);
                            });

                    assertThat(watch.errors).as("watch errors").isEmpty();
                    assertThat(watch.eventRevisions()).as("events from start revision %d", start)
                            .isEqualTo(expected);
                    assertThat(watch.progressRevisions()).as("progress responses of a watch from %d", start)
                            .allMatch(revision -> revision >= start);
                }
            }
        }
    }

    /**
     * L-1 and watch resume: a lease kept alive by jetcd's KeepAlive stream while the leader — the very member the
     * client is connected to — is killed with SIGKILL must not expire (a lease never expires before its TTL, and the
     * keep-alive reconnects to the new leader in time); its key stays. A watch on the same connection resumes on
     * another member where it stopped: every revision written before and after the kill exactly once, in order.
     */
    @Test
    void l01_aKeepAliveAndAWatchSurviveTheKillOfTheLeaderTheyAreConnectedTo() throws Exception {
        long ttlSeconds = 5;
        ClusterProcesses cluster = shared;
        // The watch stream gauge then tells which member the client below is connected to.
        await("watch streams of earlier tests closed").atMost(Duration.ofSeconds(10))
                .until(() -> cluster.nodes().stream()
                        .allMatch(node -> cluster.metricSum(node, "etcd_debugging_mvcc_watch_stream_total") == 0));
        try (Client client = Client.builder().endpoints(cluster.nodes().stream()
                        .map(ClusterProcesses.Node::clientUrl).toArray(String[]::new)).build()) {
            long lease = client.getLeaseClient().grant(ttlSeconds).get(10, TimeUnit.SECONDS).getID();
            long keyRevision = client.getKVClient().put(bytes("l/held"), bytes("by the lease"),
                    PutOption.builder().withLeaseId(lease).build()).get(10, TimeUnit.SECONDS).getHeader()
                    .getRevision();
            AtomicInteger renewals = new AtomicInteger();
            List<Throwable> keepAliveErrors = new CopyOnWriteArrayList<>();
            WatchRecorder watch = new WatchRecorder();
            try (CloseableClient keepAlive = client.getLeaseClient().keepAlive(lease, new StreamObserver<>() {
                        @Override
                        public void onNext(LeaseKeepAliveResponse response) {
                            renewals.incrementAndGet();
                        }

                        @Override
                        public void onError(Throwable error) {
                            keepAliveErrors.add(error);
                        }

                        @Override
                        public void onCompleted() {
                        }
                    });
                    Watch.Watcher watcher = client.getWatchClient().watch(bytes("l/w"), WatchOption.builder()
                            .isPrefix(true).withRevision(keyRevision + 1).build(), watch)) {
                await("the first renewal").atMost(Duration.ofSeconds(10)).until(() -> renewals.get() > 0);
                ClusterProcesses.Node connected = await("the member serving the client's watch stream")
                        .atMost(Duration.ofSeconds(10)).until(() -> cluster.nodes().stream()
                                .filter(node -> cluster.metricSum(node, "etcd_debugging_mvcc_watch_stream_total") > 0)
                                .findFirst(), java.util.Optional::isPresent).orElseThrow();
                makeLeader(cluster, connected);

                List<Long> written = new ArrayList<>();
                try (Writer writer = new Writer(connected)) {
                    for (int i = 0; i < 10; i++) {
                        written.add(writer.put("l/w" + i, "before-" + i));
                    }
                }
                watch.awaitRevision(written.get(written.size() - 1));
                cluster.kill(connected);
                try {
                    afterTheKill(cluster, client, lease, ttlSeconds, renewals, keepAliveErrors, watch, written);
                } finally {
                    cluster.restart(connected);
                }
            }
        }
    }

    private static void afterTheKill(ClusterProcesses cluster, Client client, long lease, long ttlSeconds,
            AtomicInteger renewals, List<Throwable> keepAliveErrors, WatchRecorder watch, List<Long> written)
            throws Exception {
        ClusterProcesses.Node next = cluster.awaitLeader();
        int renewalsAtKill = renewals.get();
        try (Writer writer = new Writer(next)) {
            for (int i = 0; i < 10; i++) {
                written.add(writer.put("l/w" + i, "after-" + i));
            }
        }

        watch.awaitRevision(written.get(written.size() - 1));
        await("renewals on the new leader").atMost(Duration.ofSeconds(ttlSeconds * 2))
                .until(() -> renewals.get() > renewalsAtKill + 1);
        // Longer than a TTL after the new leader took over: had the keep-alive stopped, the key would be gone.
        await("the lease outlives its TTL after the kill").during(Duration.ofSeconds(ttlSeconds + 1))
                .atMost(Duration.ofSeconds(ttlSeconds * 3)).pollInterval(Duration.ofMillis(500))
                .until(() -> client.getKVClient().get(bytes("l/held"), GetOption.builder().build())
                        .get(10, TimeUnit.SECONDS).getCount() == 1);
        assertThat(client.getLeaseClient().timeToLive(lease,
                io.etcd.jetcd.options.LeaseOption.DEFAULT).get(10, TimeUnit.SECONDS).getTTL())
                .as("remaining TTL of the kept-alive lease").isPositive();
        assertThat(keepAliveErrors).as("keep-alive errors other than the leader change it went through")
                .allMatch(WatchLeaseClusterIT::isUnavailable);
        assertThat(watch.errors).as("watch errors other than the broken connection it resumed from")
                .allMatch(WatchLeaseClusterIT::isUnavailable);
        assertThat(watch.eventRevisions()).as("revisions the resumed watch was given").isEqualTo(written);
    }

    /** Moves the leadership to {@code target} (etcd's MoveLeader, sent to the current leader) and waits for it. */
    private static void makeLeader(ClusterProcesses cluster, ClusterProcesses.Node target) {
        await("leadership on " + target.name()).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300))
                .ignoreException(io.grpc.StatusRuntimeException.class).until(() -> {
                    ClusterProcesses.Node leader = cluster.awaitLeader();
                    if (leader != target) {
                        call(leader.clientUrl(), channel -> MaintenanceGrpc.newBlockingStub(channel)
                                .withDeadlineAfter(10, TimeUnit.SECONDS).moveLeader(MoveLeaderRequest.newBuilder()
                                        .setTargetID(ClusterProcesses.founderId(target)).build()));
                    }
                    return cluster.leader().orElse(null) == target;
                });
    }

    /** What jetcd reports, and then recovers from, when its member dies or has no leader for a moment. */
    private static boolean isUnavailable(Throwable error) {
        return error instanceof EtcdException etcd && etcd.getErrorCode() == ErrorCode.UNAVAILABLE;
    }

    private static double snapshotsReceived(ClusterProcesses cluster, ClusterProcesses.Node node) {
        return cluster.metricSum(node, "etcd_network_snapshot_receive_success_total");
    }

    private static ClusterProcesses.Node otherThan(ClusterProcesses cluster, ClusterProcesses.Node node) {
        return cluster.nodes().stream().filter(other -> other != node).findFirst().orElseThrow();
    }

    /** A put through {@code node}, answered: the revision it made. */
    static long put(ClusterProcesses.Node node, String key, String value) {
        return call(node.clientUrl(), channel -> put(channel, key, value));
    }

    static long put(ManagedChannel channel, String key, String value) {
        return KVGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                .put(PutRequest.newBuilder().setKey(ByteString.copyFromUtf8(key))
                        .setValue(ByteString.copyFromUtf8(value)).build()).getHeader().getRevision();
    }

    /** Puts through one member over one connection. */
    static final class Writer implements AutoCloseable {
        private final ManagedChannel channel;
        final ClusterProcesses.Node node;

        Writer(ClusterProcesses.Node node) {
            this.node = node;
            URI uri = URI.create(node.clientUrl());
            this.channel = NettyChannelBuilder.forAddress(uri.getHost(), uri.getPort()).usePlaintext().build();
        }

        /** The revision the put made. */
        long put(String key, String value) {
            return WatchLeaseClusterIT.put(channel, key, value);
        }

        @Override
        public void close() {
            channel.shutdownNow();
        }
    }

    private static ByteSequence bytes(String text) {
        return ByteSequence.from(text, StandardCharsets.UTF_8);
    }

    /** Everything one jetcd watch was given, in order. */
    private static final class WatchRecorder implements Watch.Listener {
        final List<WatchResponse> responses = new CopyOnWriteArrayList<>();
        /** jetcd reports a broken connection here too, then resumes the watch on its own. */
        final List<Throwable> errors = new CopyOnWriteArrayList<>();

        @Override
        public void onNext(WatchResponse response) {
            responses.add(response);
        }

        @Override
        public void onError(Throwable throwable) {
            errors.add(throwable);
        }

        @Override
        public void onCompleted() {
        }

        List<Long> eventRevisions() {
            return responses.stream().flatMap(response -> response.getEvents().stream())
                    .map(WatchEvent::getKeyValue).map(kv -> kv.getModRevision()).toList();
        }

        List<Long> progressRevisions() {
            return responses.stream().filter(WatchResponse::isProgressNotify)
                    .map(response -> response.getHeader().getRevision()).toList();
        }

        void awaitRevision(long revision) {
            await("an event at revision " + revision).atMost(Duration.ofSeconds(30))
                    .until(() -> eventRevisions().stream().anyMatch(seen -> seen >= revision));
        }
    }
}
