package dev.cairn.kvnode.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import com.google.protobuf.TextFormat;
import dev.cairn.kvnode.embed.EmbeddedKvnode;
import dev.cairn.kvnode.embed.KvnodeConfig;
import dev.cairn.kvnode.testing.FreePorts;
import dev.cairn.kvnode.testing.ReferenceEtcd;
import io.etcd.jetcd.api.CompactionRequest;
import io.etcd.jetcd.api.Compare;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.LeaseGrantRequest;
import io.etcd.jetcd.api.LeaseGrpc;
import io.etcd.jetcd.api.MaintenanceGrpc;
import io.etcd.jetcd.api.MemberListRequest;
import io.etcd.jetcd.api.ClusterGrpc;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RequestOp;
import io.etcd.jetcd.api.StatusRequest;
import io.etcd.jetcd.api.TxnRequest;
import io.etcd.jetcd.api.WatchCreateRequest;
import io.etcd.jetcd.api.WatchGrpc;
import io.etcd.jetcd.api.WatchProgressRequest;
import io.etcd.jetcd.api.WatchRequest;
import io.etcd.jetcd.api.WatchResponse;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The request shapes kube-apiserver's etcd3 storage sends (../shared/kube-apiserver-profile.md), each sent to kvnode
 * and to a real etcd started empty in the same test, through etcd's own generated API classes (jetcd's), and the
 * answers compared field by field — only the ids and terms that name a particular cluster are blanked.
 */
class KubeApiserverProfileIT {
    private static final String PODS = "/registry/pods/default/";

    @TempDir
    Path dir;

    private EmbeddedKvnode kvnode;
    private ReferenceEtcd etcd;
    private ManagedChannel ours;
    private ManagedChannel theirs;

    @BeforeEach
    void start() throws Exception {
        etcd = ReferenceEtcd.start(dir.resolve("etcd"));
        kvnode = EmbeddedKvnode.start(KvnodeConfig.singleMember("kvnode", dir.resolve("kvnode"), "127.0.0.1",
                FreePorts.next(), FreePorts.next(), -1));
        ours = channel("http://127.0.0.1:" + kvnode.clientPort());
        theirs = channel(etcd.clientUrl());
    }

    @AfterEach
    void stop() throws Exception {
        ours.shutdownNow();
        theirs.shutdownNow();
        kvnode.close();
        etcd.close();
    }

    @Test
    void storageRequestShapesAnswerAsEtcdDoes() {
        same("health probe", kv -> kv.range(get("/registry/health").build()));
        for (String pod : List.of("a", "b", "c", "d", "e")) {
            same("create " + pod, kv -> kv.txn(create(PODS + pod, "spec-" + pod)));
        }
        same("create of an existing key fails, no else", kv -> kv.txn(create(PODS + "a", "again")));
        long modA = kvOf(ours, PODS + "a").getModRevision();
        same("update at the current revision", kv -> kv.txn(update(PODS + "a", modA, "spec-a2")));
        same("update at a stale revision gets the current object", kv -> kv.txn(update(PODS + "a", modA, "x")));
        long modB = kvOf(ours, PODS + "b").getModRevision();
        same("delete at the current revision", kv -> kv.txn(delete(PODS + "b", modB)));
        same("delete at a stale revision gets the current object", kv -> kv.txn(delete(PODS + "c", modB)));

        long listRevision = kvOf(ours, PODS + "a").getModRevision() + 1;
        same("first page with limit, at a revision", kv -> kv.range(list(PODS, prefixEnd(PODS), 2, listRevision)));
        ByteString continueKey = ByteString.copyFromUtf8(PODS + "c\0");
        same("continue page: count is what remains, more is set",
                kv -> kv.range(list(continueKey.toStringUtf8(), prefixEnd(PODS), 2, listRevision)));
        same("count only", kv -> kv.range(RangeRequest.newBuilder().setKey(bytes(PODS))
                .setRangeEnd(bytes(prefixEnd(PODS))).setCountOnly(true).build()));
        same("keys only", kv -> kv.range(RangeRequest.newBuilder().setKey(bytes(PODS))
                .setRangeEnd(bytes(prefixEnd(PODS))).setKeysOnly(true).build()));
        same("historical get at a revision with limit 1",
                kv -> kv.range(get(PODS + "a").setRevision(modA).setLimit(1).build()));

        same("compaction bookkeeping: first apiserver takes version 0",
                kv -> kv.txn(compactBookkeeping(0, listRevision)));
        same("compaction bookkeeping: a stale version loses and reads the key",
                kv -> kv.txn(compactBookkeeping(0, listRevision)));
        same("compact", kv -> kv.compact(CompactionRequest.newBuilder().setRevision(listRevision).build()));
        sameError("a read below the compacted revision",
                kv -> kv.range(get(PODS + "a").setRevision(listRevision - 1).build()));
        sameError("a list continue below the compacted revision",
                kv -> kv.range(list(PODS, prefixEnd(PODS), 2, listRevision - 1)));
    }

    @Test
    void leasedObjectsDisappearWhenTheirLeaseExpires() {
        for (ManagedChannel channel : List.of(ours, theirs)) {
            long lease = LeaseGrpc.newBlockingStub(channel).leaseGrant(LeaseGrantRequest.newBuilder().setTTL(2)
                    .build()).getID();
            KVGrpc.KVBlockingStub kv = KVGrpc.newBlockingStub(channel);
            kv.txn(TxnRequest.newBuilder().addCompare(modRevision(PODS + "event", 0)).addSuccess(RequestOp.newBuilder()
                    .setRequestPut(PutRequest.newBuilder().setKey(bytes(PODS + "event")).setValue(bytes("e"))
                            .setLease(lease))).build());
            assertThat(kv.range(get(PODS + "event").build()).getCount()).isEqualTo(1);
            await("the leased key of " + channel.authority() + " expires").atMost(Duration.ofSeconds(15))
                    .until(() -> kv.range(get(PODS + "event").build()).getCount() == 0);
        }
    }

    @Test
    void prefixWatchFromARevisionWithPrevKvAndProgressAsEtcd() throws Exception {
        same("create a", kv -> kv.txn(create(PODS + "a", "1")));
        long initial = kvOf(ours, PODS + "a").getModRevision();
        same("create b", kv -> kv.txn(create(PODS + "b", "1")));
        same("update a", kv -> kv.txn(update(PODS + "a", initial, "2")));
        WatchRequest watch = WatchRequest.newBuilder().setCreateRequest(WatchCreateRequest.newBuilder()
                .setKey(bytes(PODS)).setRangeEnd(bytes(prefixEnd(PODS))).setStartRevision(initial + 1)
                .setPrevKv(true).setProgressNotify(true)).build();
        WatchRequest progress = WatchRequest.newBuilder().setProgressRequest(WatchProgressRequest.getDefaultInstance())
                .build();
        List<String> ourEvents = watchTranscript(ours, watch, progress);
        List<String> theirEvents = watchTranscript(theirs, watch, progress);
        assertThat(ourEvents).isEqualTo(theirEvents);

        same("compact", kv -> kv.compact(CompactionRequest.newBuilder().setRevision(initial + 2).build()));
        WatchRequest compacted = WatchRequest.newBuilder().setCreateRequest(WatchCreateRequest.newBuilder()
                .setKey(bytes(PODS)).setRangeEnd(bytes(prefixEnd(PODS))).setStartRevision(initial)).build();
        assertThat(watchTranscript(ours, compacted, null)).isEqualTo(watchTranscript(theirs, compacted, null));
    }

    @Test
    void statusReportsAnEtcdVersionThatTurnsOnConsistentReadsAndTheDbSize() {
        var status = MaintenanceGrpc.newBlockingStub(ours).status(StatusRequest.getDefaultInstance());
        assertThat(EtcdVersion.parse(status.getVersion()).atLeast(EtcdVersion.parse("3.5.13")))
                .as("kube-apiserver 1.31+ enables RequestWatchProgress from 3.5.13; got %s", status.getVersion())
                .isTrue();
        assertThat(status.getDbSize()).isPositive();
        assertThat(status.getLeader()).isEqualTo(kvnode.identity().memberId());
        var members = ClusterGrpc.newBlockingStub(ours).memberList(MemberListRequest.getDefaultInstance());
        assertThat(members.getMembersList()).singleElement().satisfies(member ->
                assertThat(member.getClientURLsList()).containsExactly("http://127.0.0.1:" + kvnode.clientPort()));
    }

    /** Creates a watch, lets three writes be seen, asks for progress, and returns every response, normalized. */
    private List<String> watchTranscript(ManagedChannel channel, WatchRequest create, WatchRequest progress)
            throws InterruptedException {
        BlockingQueue<WatchResponse> responses = new LinkedBlockingQueue<>();
        StreamObserver<WatchRequest> requests = WatchGrpc.newStub(channel).watch(new StreamObserver<>() {
            @Override
            public void onNext(WatchResponse response) {
                responses.add(response);
            }

            @Override
            public void onError(Throwable error) {
            }

            @Override
            public void onCompleted() {
            }
        });
        requests.onNext(create);
        List<String> transcript = new ArrayList<>();
        WatchResponse first = responses.poll(10, TimeUnit.SECONDS);
        transcript.add(first == null ? "no response" : normalized(first));
        if (first != null && !first.getCanceled()) {
            WatchResponse events = responses.poll(10, TimeUnit.SECONDS);
            transcript.add(events == null ? "no events" : normalized(events));
            if (progress != null) {
                requests.onNext(progress);
                WatchResponse notified = responses.poll(10, TimeUnit.SECONDS);
                transcript.add(notified == null ? "no progress" : normalized(notified));
            }
        }
        requests.onCompleted();
        return transcript;
    }

    private void same(String step, Function<KVGrpc.KVBlockingStub, Message> request) {
        String expected = normalized(request.apply(KVGrpc.newBlockingStub(theirs)));
        String actual = normalized(request.apply(KVGrpc.newBlockingStub(ours)));
        assertThat(actual).as(step).isEqualTo(expected);
    }

    private void sameError(String step, Function<KVGrpc.KVBlockingStub, Message> request) {
        assertThat(errorOf(() -> request.apply(KVGrpc.newBlockingStub(ours)))).as(step)
                .isEqualTo(errorOf(() -> request.apply(KVGrpc.newBlockingStub(theirs))));
    }

    private static String errorOf(Runnable call) {
        try {
            call.run();
            return "no error";
        } catch (StatusRuntimeException e) {
            return e.getStatus().getCode() + ": " + e.getStatus().getDescription();
        }
    }

    /** The answer as text, with what names one particular cluster (its ids, its Raft term) blanked. */
    private static String normalized(Message response) {
        Message.Builder builder = response.toBuilder();
        var header = builder.getDescriptorForType().findFieldByName("header");
        if (header != null && response.hasField(header)) {
            io.etcd.jetcd.api.ResponseHeader h = (io.etcd.jetcd.api.ResponseHeader) response.getField(header);
            builder.setField(header, h.toBuilder().clearClusterId().clearMemberId().clearRaftTerm().build());
        }
        return TextFormat.printer().printToString(builder.build());
    }

    private static io.etcd.jetcd.api.KeyValue kvOf(ManagedChannel channel, String key) {
        return KVGrpc.newBlockingStub(channel).range(get(key).build()).getKvs(0);
    }

    private static TxnRequest create(String key, String value) {
        return TxnRequest.newBuilder().addCompare(modRevision(key, 0))
                .addSuccess(RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder().setKey(bytes(key))
                        .setValue(bytes(value))))
                .build();
    }

    private static TxnRequest update(String key, long revision, String value) {
        return TxnRequest.newBuilder().addCompare(modRevision(key, revision))
                .addSuccess(RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder().setKey(bytes(key))
                        .setValue(bytes(value))))
                .addFailure(RequestOp.newBuilder().setRequestRange(get(key)))
                .build();
    }

    private static TxnRequest delete(String key, long revision) {
        return TxnRequest.newBuilder().addCompare(modRevision(key, revision))
                .addSuccess(RequestOp.newBuilder().setRequestDeleteRange(
                        io.etcd.jetcd.api.DeleteRangeRequest.newBuilder().setKey(bytes(key))))
                .addFailure(RequestOp.newBuilder().setRequestRange(get(key)))
                .build();
    }

    private static TxnRequest compactBookkeeping(long version, long revision) {
        String key = "compact_rev_key";
        return TxnRequest.newBuilder().addCompare(Compare.newBuilder().setKey(bytes(key))
                        .setTarget(Compare.CompareTarget.VERSION).setResult(Compare.CompareResult.EQUAL)
                        .setVersion(version))
                .addSuccess(RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder().setKey(bytes(key))
                        .setValue(bytes(Long.toString(revision)))))
                .addFailure(RequestOp.newBuilder().setRequestRange(get(key)))
                .build();
    }

    private static Compare modRevision(String key, long revision) {
        return Compare.newBuilder().setKey(bytes(key)).setTarget(Compare.CompareTarget.MOD)
                .setResult(Compare.CompareResult.EQUAL).setModRevision(revision).build();
    }

    private static RangeRequest.Builder get(String key) {
        return RangeRequest.newBuilder().setKey(bytes(key));
    }

    private static RangeRequest list(String from, String end, long limit, long revision) {
        return RangeRequest.newBuilder().setKey(bytes(from)).setRangeEnd(bytes(end)).setLimit(limit)
                .setRevision(revision).build();
    }

    private static String prefixEnd(String prefix) {
        char[] chars = prefix.toCharArray();
        chars[chars.length - 1]++;
        return new String(chars);
    }

    private static ByteString bytes(String value) {
        return ByteString.copyFromUtf8(value);
    }

    private static ManagedChannel channel(String url) {
        URI uri = URI.create(url);
        return NettyChannelBuilder.forAddress(uri.getHost(), uri.getPort()).usePlaintext().build();
    }

    /** An etcd version as Status reports it, compared as kube-apiserver's feature check compares it. */
    record EtcdVersion(int major, int minor, int patch) {
        static EtcdVersion parse(String text) {
            String[] parts = text.split("[.-]");
            return new EtcdVersion(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]),
                    Integer.parseInt(parts[2]));
        }

        boolean atLeast(EtcdVersion other) {
            if (major != other.major) {
                return major > other.major;
            }
            if (minor != other.minor) {
                return minor > other.minor;
            }
            return patch >= other.patch;
        }
    }
}
