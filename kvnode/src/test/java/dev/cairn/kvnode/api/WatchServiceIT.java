package dev.cairn.kvnode.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cairn.kvnode.embed.EmbeddedKvnode;
import dev.cairn.kvnode.embed.KvnodeConfig;
import dev.cairn.kvnode.proto.etcdserverpb.WatchCreateRequest;
import dev.cairn.kvnode.proto.etcdserverpb.WatchGrpc;
import dev.cairn.kvnode.proto.etcdserverpb.WatchRequest;
import dev.cairn.kvnode.testing.FreePorts;
import dev.cairn.kvnode.watch.WatchOptions;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** jetcd's Watch client against a kvnode on real sockets: the Watch API as a Java user meets it. */
class WatchServiceIT {
    private static final Duration PROGRESS_INTERVAL = Duration.ofMillis(300);

    @TempDir
    Path dataDir;
    EmbeddedKvnode node;
    Client client;
    KV kv;
    Watch watch;

    @BeforeEach
    void start() throws Exception {
        int metricsPort = FreePorts.next();
        node = EmbeddedKvnode.start(KvnodeConfig.singleMember("watch", dataDir, "127.0.0.1", 0, 0, metricsPort),
                WatchOptions.DEFAULTS.withProgressInterval(PROGRESS_INTERVAL).withStreamCapacity(4));
        client = Client.builder().endpoints("http://127.0.0.1:" + node.clientPort()).build();
        kv = client.getKVClient();
        watch = client.getWatchClient();
    }

    @AfterEach
    void stop() {
        client.close();
        node.close();
    }

    /** What one watch was given, in order. */
    private static final class Recorder implements Watch.Listener {
        final List<WatchResponse> responses = new CopyOnWriteArrayList<>();
        final AtomicReference<Throwable> error = new AtomicReference<>();

        @Override
        public void onNext(WatchResponse response) {
            responses.add(response);
        }

        @Override
        public void onError(Throwable throwable) {
            error.set(throwable);
        }

        @Override
        public void onCompleted() {
        }

        List<WatchEvent> events() {
            return responses.stream().flatMap(r -> r.getEvents().stream()).toList();
        }

        List<String> described() {
            return events().stream().map(e -> e.getEventType() + " " + e.getKeyValue().getKey() + "="
                    + e.getKeyValue().getValue() + "@" + e.getKeyValue().getModRevision()).toList();
        }

        List<String> awaitEvents(int count) {
            await("watch given " + count + " events").atMost(Duration.ofSeconds(20))
                    .until(() -> events().size() >= count);
            return described();
        }
    }

    @Test
    void aWatchFromThePastGetsHistoryThenNewEvents() throws Exception {
        put("a", "1");
        put("a", "2");
        kv.delete(bytes("a")).get();
        Recorder recorder = new Recorder();

        try (Watch.Watcher ignored = watch.watch(bytes("a"), WatchOption.builder().withRevision(2).build(),
                recorder)) {
            recorder.awaitEvents(3);
            put("a", "3");

            assertThat(recorder.awaitEvents(4)).containsExactly("PUT a=1@2", "PUT a=2@3", "DELETE a=@4",
                    "PUT a=3@5");
        }
    }

    @Test
    void aWatchFromNowGetsOnlyLaterEvents() throws Exception {
        put("b", "before");
        Recorder recorder = new Recorder();

        try (Watch.Watcher ignored = watch.watch(bytes("b"), WatchOption.builder().withCreateNotify(true).build(),
                recorder)) {
            await().atMost(Duration.ofSeconds(20)).until(() -> !recorder.responses.isEmpty());
            assertThat(recorder.responses.get(0).isCreatedNotify()).isTrue();
            assertThat(recorder.responses.get(0).getHeader().getRevision()).isEqualTo(2);
            put("b", "after");

            assertThat(recorder.awaitEvents(1)).containsExactly("PUT b=after@3");
        }
    }

    @Test
    void aPrefixWatchWithPrevKvSeesItsKeysWithTheirPreviousValues() throws Exception {
        put("app/x", "1");
        Recorder recorder = new Recorder();

        try (Watch.Watcher ignored = watch.watch(bytes("app/"), WatchOption.builder().isPrefix(true)
                .withPrevKV(true).withRevision(2).build(), recorder)) {
            put("apple", "not in the prefix");
            put("app/x", "2");
            kv.delete(bytes("app/x")).get();

            assertThat(recorder.awaitEvents(3)).containsExactly("PUT app/x=1@2", "PUT app/x=2@4", "DELETE app/x=@5");
            List<WatchEvent> events = recorder.events();
            assertThat(events.get(0).getPrevKV().getKey().isEmpty()).isTrue();
            assertThat(events.get(1).getPrevKV().getValue()).isEqualTo(bytes("1"));
            assertThat(events.get(2).getPrevKV().getValue()).isEqualTo(bytes("2"));
        }
    }

    @Test
    void aCanceledWatchIsGivenNothingMore() throws Exception {
        Recorder canceled = new Recorder();
        Recorder witness = new Recorder();
        Watch.Watcher first = watch.watch(bytes("c"), WatchOption.builder().withCreateNotify(true).build(),
                canceled);
        await().atMost(Duration.ofSeconds(20)).until(() -> !canceled.responses.isEmpty());
        put("c", "1");
        canceled.awaitEvents(1);

        first.close();
        try (Watch.Watcher ignored = watch.watch(bytes("c"), WatchOption.builder().withRevision(3).build(),
                witness)) {
            put("c", "2");
            put("c", "3");
            // The witness, watching the same key from the cancel on, has seen both: the canceled watch would have too.
            witness.awaitEvents(2);
        }

        assertThat(canceled.described()).containsExactly("PUT c=1@2");
    }

    @Test
    void aWatchBelowTheCompactedRevisionFailsWithTheCompactRevision() throws Exception {
        for (int i = 0; i < 5; i++) {
            put("d", "v" + i);
        }
        kv.compact(4).get();
        Recorder recorder = new Recorder();

        try (Watch.Watcher ignored = watch.watch(bytes("d"), WatchOption.builder().withRevision(2).build(),
                recorder)) {
            await().atMost(Duration.ofSeconds(20)).until(() -> recorder.error.get() != null);
        }

        assertThat(recorder.error.get()).isInstanceOf(CompactedException.class);
        assertThat(((CompactedException) recorder.error.get()).getCompactedRevision()).isEqualTo(4);
        assertThat(recorder.events()).isEmpty();
    }

    @Test
    void progressIsReportedOnRequestAndEveryIntervalWhenAsked() throws Exception {
        put("e", "1");
        Recorder requested = new Recorder();
        Recorder periodic = new Recorder();

        try (Watch.Watcher first = watch.watch(bytes("e"), WatchOption.builder().withCreateNotify(true).build(),
                requested);
                Watch.Watcher second = watch.watch(bytes("f"), WatchOption.builder().withProgressNotify(true)
                        .build(), periodic)) {
            await().atMost(Duration.ofSeconds(20)).until(() -> !requested.responses.isEmpty());
            put("other", "x");
            watch.requestProgress();

            await().atMost(Duration.ofSeconds(20)).until(() -> requested.responses.stream()
                    .anyMatch(WatchResponse::isProgressNotify));
            await().atMost(Duration.ofSeconds(20)).until(() -> periodic.responses.stream()
                    .filter(WatchResponse::isProgressNotify).count() >= 2);
        }

        WatchResponse progress = requested.responses.stream().filter(WatchResponse::isProgressNotify).findFirst()
                .orElseThrow();
        assertThat(progress.getHeader().getRevision()).isEqualTo(3);
        assertThat(periodic.responses.stream().filter(WatchResponse::isProgressNotify)
                .map(r -> r.getHeader().getRevision())).allMatch(revision -> revision >= 3);
    }

    /**
     * A raw gRPC client with manual flow control stops reading after the created response: the server's sender
     * stops at gRPC's window, the stream's bounded queue fills, and the watcher becomes a victim (W-2) — instead of
     * the server buffering 300 × 16 KiB for it. Once the client reads again it gets every event, in order, once.
     */
    @Test
    void aClientThatStopsReadingMakesVictimsAndThenGetsEveryEventOnce() throws Exception {
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", node.clientPort()).usePlaintext()
                .build();
        List<dev.cairn.kvnode.proto.etcdserverpb.WatchResponse> received = new CopyOnWriteArrayList<>();
        AtomicReference<ClientCallStreamObserver<WatchRequest>> call = new AtomicReference<>();
        try {
            StreamObserver<WatchRequest> requests = WatchGrpc.newStub(channel).watch(new ClientResponseObserver<
                    WatchRequest, dev.cairn.kvnode.proto.etcdserverpb.WatchResponse>() {
                @Override
                public void beforeStart(ClientCallStreamObserver<WatchRequest> requestStream) {
                    requestStream.disableAutoRequestWithInitial(1);
                    call.set(requestStream);
                }

                @Override
                public void onNext(dev.cairn.kvnode.proto.etcdserverpb.WatchResponse response) {
                    received.add(response);
                }

                @Override
                public void onError(Throwable error) {
                }

                @Override
                public void onCompleted() {
                }
            });
            requests.onNext(WatchRequest.newBuilder().setCreateRequest(WatchCreateRequest.newBuilder()
                    .setKey(com.google.protobuf.ByteString.copyFromUtf8("g"))).build());
            await("created").atMost(Duration.ofSeconds(20)).until(() -> received.size() == 1);
            String padding = "x".repeat(16 * 1024);
            int writes = 300;
            for (int i = 0; i < writes; i++) {
                put("g", String.format("%06d", i) + padding);
            }

            await("a slow watcher").atMost(Duration.ofSeconds(30))
                    .until(() -> gauge("etcd_debugging_mvcc_slow_watcher_total") >= 1);
            call.get().request(Integer.MAX_VALUE);

            await("every event").atMost(Duration.ofSeconds(60)).until(() -> received.stream()
                    .mapToInt(r -> r.getEventsCount()).sum() >= writes);
            assertThat(received.stream().flatMap(r -> r.getEventsList().stream())
                    .map(e -> e.getKv().getValue().toStringUtf8().substring(0, 6)))
                    .containsExactlyElementsOf(IntStream.range(0, writes).mapToObj(i -> String.format("%06d", i))
                            .toList());
            assertThat(gauge("etcd_debugging_mvcc_slow_watcher_total")).isZero();
            requests.onCompleted();
        } finally {
            channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void theWatchGaugesAreServedUnderEtcdsNames() throws Exception {
        Recorder recorder = new Recorder();
        try (Watch.Watcher ignored = watch.watch(bytes("h"), WatchOption.builder().withCreateNotify(true).build(),
                recorder)) {
            await().atMost(Duration.ofSeconds(20)).until(() -> !recorder.responses.isEmpty());

            assertThat(gauge("etcd_debugging_mvcc_watcher_total")).isEqualTo(1);
            assertThat(gauge("etcd_debugging_mvcc_watch_stream_total")).isEqualTo(1);
            assertThat(gauge("etcd_debugging_mvcc_slow_watcher_total")).isZero();
            assertThat(gauge("etcd_debugging_mvcc_pending_events_total")).isZero();
        }
    }

    private double gauge(String name) throws Exception {
        HttpResponse<String> metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + node.metricsPort() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        Matcher value = Pattern.compile("(?m)^" + name + " (\\S+)$").matcher(metrics.body());
        assertThat(value.find()).as("%s in /metrics", name).isTrue();
        return Double.parseDouble(value.group(1));
    }

    private void put(String key, String value) throws Exception {
        kv.put(bytes(key), bytes(value)).get();
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }
}
