package dev.cairn.kvnode.server;

import com.google.protobuf.ByteString;
import dev.cairn.kvnode.proto.etcdserverpb.PutRequest;
import dev.cairn.kvnode.proto.etcdserverpb.RangeRequest;
import dev.cairn.kvnode.proto.etcdserverpb.RangeResponse;
import dev.cairn.kvnode.proto.mvccpb.KeyValue;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/** One-member clusters started in-process, without network listeners, over a real data directory. */
final class TestMembers {
    static final ClusterIdentity IDENTITY = ClusterIdentity.bootstrap("m",
            Map.of("m", List.of(URI.create("http://127.0.0.1:2380"))), "test-token");

    private TestMembers() {
    }

    static Member start(Path memberDir, StorageOptions storage) throws IOException {
        return Member.start(memberDir, IDENTITY, new Member.Settings(Duration.ofMillis(100), 10,
                Duration.ofSeconds(10), storage), new SimpleMeterRegistry(), PeerNetwork.NONE);
    }

    /** Puts and returns the revision it was acknowledged at. */
    static long put(Member member, String key, String value) throws Exception {
        return member.kv().put(PutRequest.newBuilder().setKey(bytes(key)).setValue(bytes(value)).build())
                .get(10, TimeUnit.SECONDS).getHeader().getRevision();
    }

    /** Every key under {@code prefix} as of a linearizable read. */
    static RangeResponse readPrefix(Member member, String prefix) throws Exception {
        ByteString start = bytes(prefix);
        byte[] end = start.toByteArray();
        end[end.length - 1]++;
        return member.kv().range(RangeRequest.newBuilder().setKey(start).setRangeEnd(ByteString.copyFrom(end))
                .build()).get(10, TimeUnit.SECONDS);
    }

    static Map<String, String> values(RangeResponse response) {
        Map<String, String> values = new TreeMap<>();
        for (KeyValue kv : response.getKvsList()) {
            values.put(kv.getKey().toStringUtf8(), kv.getValue().toStringUtf8());
        }
        return values;
    }

    static ByteString bytes(String s) {
        return ByteString.copyFromUtf8(s);
    }
}
