package dev.cairn.kvnode.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.kvnode.embed.EmbeddedKvnode;
import dev.cairn.kvnode.embed.KvnodeConfig;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** jetcd, etcd's Java client, against a kvnode on real sockets: the KV API as a Java user meets it. */
class KvServiceIT {
    @TempDir
    Path dataDir;
    EmbeddedKvnode node;
    Client client;
    KV kv;

    @BeforeEach
    void start() throws IOException {
        startNode();
    }

    @AfterEach
    void stop() {
        client.close();
        node.close();
    }

    @Test
    void putThenGetReturnsTheValueWithEtcdsBookkeeping() throws Exception {
        long revision = kv.put(bytes("foo"), bytes("bar")).get().getHeader().getRevision();

        GetResponse got = kv.get(bytes("foo")).get();

        assertThat(revision).isEqualTo(2);
        assertThat(got.getKvs()).singleElement().satisfies(found -> {
            assertThat(found.getValue()).isEqualTo(bytes("bar"));
            assertThat(found.getCreateRevision()).isEqualTo(2);
            assertThat(found.getModRevision()).isEqualTo(2);
            assertThat(found.getVersion()).isEqualTo(1);
        });
        assertThat(got.getHeader().getMemberId()).isEqualTo(node.identity().memberId());
        assertThat(got.getHeader().getClusterId()).isEqualTo(node.identity().clusterId());
    }

    @Test
    void putReturnsThePreviousValueWhenAsked() throws Exception {
        kv.put(bytes("k"), bytes("v1")).get();

        var response = kv.put(bytes("k"), bytes("v2"), PutOption.builder().withPrevKV().build()).get();

        assertThat(response.hasPrevKv()).isTrue();
        assertThat(response.getPrevKv().getValue()).isEqualTo(bytes("v1"));
    }

    @Test
    void prefixLimitCountAndKeysOnlyBehaveAsKubernetesListsNeedThem() throws Exception {
        for (String key : List.of("/registry/pods/a", "/registry/pods/b", "/registry/pods/c", "/registry/svc/x")) {
            kv.put(bytes(key), bytes("v-" + key)).get();
        }

        GetResponse page = kv.get(bytes("/registry/pods/"),
                GetOption.builder().isPrefix(true).withLimit(2).build()).get();
        assertThat(keys(page)).containsExactly("/registry/pods/a", "/registry/pods/b");
        assertThat(page.getCount()).as("count covers the whole range").isEqualTo(3);
        assertThat(page.isMore()).isTrue();

        GetResponse counted = kv.get(bytes("/registry/"), GetOption.builder().isPrefix(true).withCountOnly(true)
                .build()).get();
        assertThat(counted.getKvs()).isEmpty();
        assertThat(counted.getCount()).isEqualTo(4);

        GetResponse keysOnly = kv.get(bytes("/registry/svc/"), GetOption.builder().isPrefix(true).withKeysOnly(true)
                .build()).get();
        assertThat(keysOnly.getKvs()).singleElement().satisfies(found -> assertThat(found.getValue().isEmpty())
                .isTrue());
    }

    @Test
    void readsAtAnOlderRevisionSeeTheOlderValue() throws Exception {
        long first = kv.put(bytes("k"), bytes("old")).get().getHeader().getRevision();
        kv.put(bytes("k"), bytes("new")).get();

        GetResponse atFirst = kv.get(bytes("k"), GetOption.builder().withRevision(first).build()).get();

        assertThat(atFirst.getKvs()).singleElement().satisfies(found -> assertThat(found.getValue())
                .isEqualTo(bytes("old")));
    }

    @Test
    void sortOrdersByTheAskedTarget() throws Exception {
        kv.put(bytes("b"), bytes("1")).get();
        kv.put(bytes("a"), bytes("2")).get();
        kv.put(bytes("c"), bytes("0")).get();

        GetResponse byValue = kv.get(bytes("a"), GetOption.builder().withRange(bytes("z"))
                .withSortField(GetOption.SortTarget.VALUE).withSortOrder(GetOption.SortOrder.DESCEND).build()).get();

        assertThat(keys(byValue)).containsExactly("a", "b", "c");
    }

    @Test
    void deleteRangeRemovesEveryKeyAndCanReturnThem() throws Exception {
        kv.put(bytes("d/1"), bytes("x")).get();
        kv.put(bytes("d/2"), bytes("y")).get();

        var deleted = kv.delete(bytes("d/"), DeleteOption.builder().isPrefix(true).withPrevKV(true).build()).get();

        assertThat(deleted.getDeleted()).isEqualTo(2);
        assertThat(deleted.getPrevKvs()).extracting(found -> found.getValue().toString(StandardCharsets.UTF_8))
                .containsExactly("x", "y");
        assertThat(kv.get(bytes("d/"), GetOption.builder().isPrefix(true).build()).get().getCount()).isZero();
    }

    @Test
    void txnCreatesOnlyWhenAbsentLikeKubernetesCreate() throws Exception {
        Cmp absent = new Cmp(bytes("obj"), Cmp.Op.EQUAL, CmpTarget.modRevision(0));

        TxnResponse created = kv.txn().If(absent).Then(Op.put(bytes("obj"), bytes("v1"), PutOption.DEFAULT))
                .commit().get();
        TxnResponse again = kv.txn().If(absent).Then(Op.put(bytes("obj"), bytes("v2"), PutOption.DEFAULT))
                .Else(Op.get(bytes("obj"), GetOption.DEFAULT)).commit().get();

        assertThat(created.isSucceeded()).isTrue();
        assertThat(again.isSucceeded()).isFalse();
        assertThat(again.getGetResponses()).singleElement().satisfies(read -> assertThat(read.getKvs().get(0)
                .getValue()).isEqualTo(bytes("v1")));
        assertThat(again.getHeader().getRevision()).as("a failed guard writes nothing").isEqualTo(2);
    }

    @Test
    void txnUpdatesOnlyAtTheExpectedModRevision() throws Exception {
        long rev = kv.put(bytes("obj"), bytes("v1")).get().getHeader().getRevision();
        Cmp unchanged = new Cmp(bytes("obj"), Cmp.Op.EQUAL, CmpTarget.modRevision(rev));

        assertThat(kv.txn().If(unchanged).Then(Op.put(bytes("obj"), bytes("v2"), PutOption.DEFAULT)).commit().get()
                .isSucceeded()).isTrue();
        assertThat(kv.txn().If(unchanged).Then(Op.put(bytes("obj"), bytes("v3"), PutOption.DEFAULT)).commit().get()
                .isSucceeded()).as("stale revision").isFalse();
        assertThat(kv.get(bytes("obj")).get().getKvs().get(0).getValue()).isEqualTo(bytes("v2"));
    }

    @Test
    void badRequestsGetEtcdsErrorsAndChangeNothing() throws Exception {
        kv.put(bytes("k"), bytes("v")).get();

        assertRefused(() -> kv.put(ByteSequence.EMPTY, bytes("v")).get(), "INVALID_ARGUMENT",
                "etcdserver: key is not provided");
        assertRefused(() -> kv.get(bytes("k"), GetOption.builder().withRevision(1000).build()).get(),
                "OUT_OF_RANGE", "etcdserver: mvcc: required revision is a future revision");
        assertRefused(() -> kv.put(bytes("k"), bytes("v"), PutOption.builder().withLeaseId(42).build()).get(),
                "NOT_FOUND", "etcdserver: requested lease not found");
        Op[] tooMany = IntStream.range(0, 129).mapToObj(i -> Op.put(bytes("t" + i), bytes("v"), PutOption.DEFAULT))
                .toArray(Op[]::new);
        assertRefused(() -> kv.txn().Then(tooMany).commit().get(), "INVALID_ARGUMENT",
                "etcdserver: too many operations in txn request");
        assertRefused(() -> kv.txn().Then(Op.put(bytes("a"), bytes("1"), PutOption.DEFAULT),
                Op.put(bytes("a"), bytes("2"), PutOption.DEFAULT)).commit().get(), "INVALID_ARGUMENT",
                "etcdserver: duplicate key given in txn request");
        byte[] huge = new byte[KvnodeConfig.DEFAULT_MAX_REQUEST_BYTES + 1];
        assertRefused(() -> kv.put(bytes("big"), ByteSequence.from(huge)).get(), "INVALID_ARGUMENT",
                "etcdserver: request is too large");

        GetResponse after = kv.get(bytes("\0"), GetOption.builder().withRange(bytes("\0")).build()).get();
        assertThat(keys(after)).containsExactly("k");
        assertThat(after.getHeader().getRevision()).isEqualTo(2);
    }

    @Test
    void everyAcknowledgedWriteSurvivesARestart() throws Exception {
        for (int i = 0; i < 50; i++) {
            kv.put(bytes("key-" + i), bytes("value-" + i)).get();
        }
        kv.delete(bytes("key-7")).get();
        client.close();
        node.close();

        startNode();

        GetResponse all = kv.get(bytes("key-"), GetOption.builder().isPrefix(true).build()).get();
        assertThat(all.getCount()).isEqualTo(49);
        assertThat(all.getHeader().getRevision()).isEqualTo(52);
        assertThat(kv.get(bytes("key-9")).get().getKvs().get(0).getValue()).isEqualTo(bytes("value-9"));
        assertThat(kv.put(bytes("key-7"), bytes("again")).get().getHeader().getRevision()).isEqualTo(53);
    }

    @Test
    void aSecondNodeCannotOpenTheSameDataDirectory() {
        assertThatThrownBy(() -> EmbeddedKvnode.start(
                KvnodeConfig.singleMember("second", dataDir, "127.0.0.1", 0, 0, -1)))
                .isInstanceOf(IOException.class).hasMessageContaining("in use by another kvnode");
    }

    @Test
    void healthAndMetricsAreServedOverHttp() throws Exception {
        kv.put(bytes("k"), bytes("v")).get();
        HttpClient http = HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + node.metricsPort();

        HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(base + "/health")).build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).isEqualTo("{\"health\":\"true\",\"reason\":\"\"}");
        assertThat(metrics.body()).contains("etcd_server_has_leader 1")
                .contains("etcd_debugging_mvcc_current_revision 2")
                .containsPattern("grpc_server_handled_total\\{grpc_code=\"OK\",grpc_method=\"Put\","
                        + "grpc_service=\"etcdserverpb.KV\",grpc_type=\"unary\"} 1");
    }

    private void startNode() throws IOException {
        node = EmbeddedKvnode.start(KvnodeConfig.singleMember("jetcd", dataDir, "127.0.0.1", 0, 0, 0));
        client = Client.builder().endpoints("http://127.0.0.1:" + node.clientPort()).build();
        kv = client.getKVClient();
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

    private static List<String> keys(GetResponse response) {
        return response.getKvs().stream().map(KeyValue::getKey).map(k -> k.toString(StandardCharsets.UTF_8))
                .toList();
    }
}
