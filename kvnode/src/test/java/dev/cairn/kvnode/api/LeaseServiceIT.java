package dev.cairn.kvnode.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.cairn.kvnode.embed.EmbeddedKvnode;
import dev.cairn.kvnode.embed.KvnodeConfig;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.Lease;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.lease.LeaseTimeToLiveResponse;
import io.etcd.jetcd.options.LeaseOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.support.CloseableClient;
import dev.cairn.kvnode.proto.etcdserverpb.LeaseGrantRequest;
import dev.cairn.kvnode.proto.etcdserverpb.LeaseGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** jetcd's Lease client against a kvnode on real sockets: leases as a Java user (or kube-apiserver) meets them. */
class LeaseServiceIT {
    @TempDir
    Path dataDir;
    EmbeddedKvnode node;
    Client client;
    Lease leases;
    KV kv;

    @BeforeEach
    void start() throws IOException {
        node = EmbeddedKvnode.start(KvnodeConfig.singleMember("leases", dataDir, "127.0.0.1", 0, 0, 0));
        client = Client.builder().endpoints("http://127.0.0.1:" + node.clientPort()).build();
        leases = client.getLeaseClient();
        kv = client.getKVClient();
    }

    @AfterEach
    void stop() {
        client.close();
        node.close();
    }

    @Test
    void aGrantedLeaseKnowsItsKeysAndRevokingItDeletesThem() throws Exception {
        long id = leases.grant(30).get().getID();
        kv.put(bytes("a"), bytes("1"), PutOption.builder().withLeaseId(id).build()).get();
        kv.put(bytes("b"), bytes("2"), PutOption.builder().withLeaseId(id).build()).get();

        LeaseTimeToLiveResponse alive = leases.timeToLive(id, LeaseOption.builder().withAttachedKeys().build()).get();
        assertThat(alive.getGrantedTTL()).isEqualTo(30);
        assertThat(alive.getTTL()).isBetween(25L, 30L);
        assertThat(alive.getKeys()).containsExactly(bytes("a"), bytes("b"));
        assertThat(kv.get(bytes("a")).get().getKvs().get(0).getLease()).isEqualTo(id);

        long before = kv.get(bytes("a")).get().getHeader().getRevision();
        long revokedAt = leases.revoke(id).get().getHeader().getRevision();

        assertThat(revokedAt).as("both keys are deleted in one revision").isEqualTo(before + 1);
        assertThat(kv.get(bytes("a")).get().getKvs()).isEmpty();
        assertThat(kv.get(bytes("b")).get().getKvs()).isEmpty();
        assertThat(leases.timeToLive(id, LeaseOption.DEFAULT).get().getTTL()).as("etcd's answer for a lease that is gone")
                .isEqualTo(-1);
    }

    @Test
    void keepAliveStreamAnswersEveryRenewalWithTheTtl() throws Exception {
        long id = leases.grant(10).get().getID();
        List<LeaseKeepAliveResponse> answers = new CopyOnWriteArrayList<>();
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        try (CloseableClient ignored = leases.keepAlive(id, new StreamObserver<>() {
            @Override
            public void onNext(LeaseKeepAliveResponse response) {
                answers.add(response);
            }

            @Override
            public void onError(Throwable error) {
                errors.add(error);
            }

            @Override
            public void onCompleted() {
            }
        })) {
            await().atMost(Duration.ofSeconds(10)).until(() -> !answers.isEmpty());
        }

        assertThat(errors).isEmpty();
        assertThat(answers.get(0).getID()).isEqualTo(id);
        assertThat(answers.get(0).getTTL()).isEqualTo(10);
        assertThat(leases.keepAliveOnce(id).get().getTTL()).isEqualTo(10);
    }

    @Test
    void anExpiredLeaseTakesItsKeysWithItButNotBeforeItsTtl() throws Exception {
        long grantedAt = System.nanoTime();
        var granted = leases.grant(1).get();
        assertThat(granted.getTTL()).as("raised to the minimum TTL, 1.5 election timeouts rounded up").isEqualTo(2);
        kv.put(bytes("ephemeral"), bytes("x"), PutOption.builder().withLeaseId(granted.getID()).build()).get();

        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50))
                .until(() -> kv.get(bytes("ephemeral")).get().getKvs().isEmpty());

        assertThat(Duration.ofNanos(System.nanoTime() - grantedAt)).as("never before the TTL")
                .isGreaterThanOrEqualTo(Duration.ofSeconds(2));
        assertThat(leases.timeToLive(granted.getID(), LeaseOption.DEFAULT).get().getTTL()).isEqualTo(-1);
        assertThat(leases.keepAliveOnce(granted.getID())).failsWithin(Duration.ofSeconds(10))
                .withThrowableThat().withMessageContaining("etcdserver: requested lease not found");
    }

    @Test
    void leasesAreListedAndErrorsAreEtcds() throws Exception {
        long first = leases.grant(60).get().getID();
        long second = leases.grant(120).get().getID();

        assertThat(client.getLeaseClient().timeToLive(first, LeaseOption.DEFAULT).get().getGrantedTTL())
                .isEqualTo(60);
        assertThat(first).isPositive().isNotEqualTo(second);
        assertRefused(() -> kv.put(bytes("k"), bytes("v"), PutOption.builder().withLeaseId(424242).build()).get(),
                "NOT_FOUND", "etcdserver: requested lease not found");
        assertThat(kv.get(bytes("k")).get().getKvs()).as("a refused put changes nothing").isEmpty();
        assertRefused(() -> leases.grant(9_000_000_001L).get(), "OUT_OF_RANGE", "etcdserver: too large lease TTL");
        assertRefused(() -> leases.revoke(424242).get(), "NOT_FOUND", "etcdserver: requested lease not found");

        String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + node.metricsPort() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        assertThat(metrics).contains("etcd_debugging_lease_granted_total 2.0", "etcd_debugging_lease_revoked_total",
                "etcd_debugging_lease_renewed_total", "etcd_debugging_lease_ttl_bucket{le=\"64.0\"} 1\n", "etcd_debugging_lease_ttl_bucket{le=\"128.0\"} 2\n");
    }

    @Test
    void anIdTheClientChoosesIsKeptAndATakenOneIsRefused() {
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", node.clientPort()).usePlaintext().build();
        try {
            LeaseGrpc.LeaseBlockingStub stub = LeaseGrpc.newBlockingStub(channel);
            LeaseGrantRequest chosen = LeaseGrantRequest.newBuilder().setID(77).setTTL(30).build();

            assertThat(stub.leaseGrant(chosen).getID()).isEqualTo(77);
            assertThatThrownBy(() -> stub.leaseGrant(chosen)).isInstanceOfSatisfying(StatusRuntimeException.class,
                    refused -> {
                        assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
                        assertThat(refused.getStatus().getDescription()).isEqualTo("etcdserver: lease already exists");
                    });
        } finally {
            channel.shutdown();
        }
    }

    private interface Call {
        void run() throws Exception;
    }

    private static void assertRefused(Call call, String code, String message) {
        assertThatThrownBy(call::run).isInstanceOf(ExecutionException.class).cause()
                .hasMessageContaining(message)
                .satisfies(cause -> assertThat(cause.toString() + " " + cause.getCause()).contains(code));
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }
}
