package dev.cairn.e2e;

import com.google.protobuf.ByteString;
import dev.cairn.kvnode.proto.etcdserverpb.KVGrpc;
import dev.cairn.kvnode.proto.etcdserverpb.RangeRequest;
import dev.cairn.kvnode.proto.etcdserverpb.RangeResponse;
import dev.cairn.kvnode.proto.mvccpb.KeyValue;
import io.grpc.ManagedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Every key under a prefix as of one revision, read in pages (a soak of thousands of kills writes more than fits in
 * one gRPC message). The first page fixes the revision; the later pages ask for that same revision, so the pages
 * form one consistent picture even if something wrote in between.
 */
record PrefixSnapshot(long revision, List<KeyValue> kvs) {
    private static final int PAGE = 5_000;

    static PrefixSnapshot read(ManagedChannel channel, String prefix) {
        KVGrpc.KVBlockingStub kv = KVGrpc.newBlockingStub(channel);
        ByteString end = prefixEnd(SoakWriteLoad.utf8(prefix));
        ByteString from = SoakWriteLoad.utf8(prefix);
        long revision = 0;
        List<KeyValue> kvs = new ArrayList<>();
        while (true) {
            RangeResponse page = kv.withDeadlineAfter(30, TimeUnit.SECONDS).range(RangeRequest.newBuilder()
                    .setKey(from).setRangeEnd(end).setLimit(PAGE).setRevision(revision).build());
            if (revision == 0) {
                revision = page.getHeader().getRevision();
            }
            kvs.addAll(page.getKvsList());
            if (!page.getMore() || page.getKvsCount() == 0) {
                return new PrefixSnapshot(revision, List.copyOf(kvs));
            }
            // The smallest key after the last one returned.
            from = page.getKvs(page.getKvsCount() - 1).getKey().concat(ByteString.copyFrom(new byte[] {0}));
        }
    }

    /** etcd's range end for "every key starting with prefix": the prefix with its last byte incremented. */
    private static ByteString prefixEnd(ByteString prefix) {
        byte[] end = prefix.toByteArray();
        for (int i = end.length - 1; i >= 0; i--) {
            if (end[i] != (byte) 0xff) {
                end[i]++;
                return ByteString.copyFrom(end, 0, i + 1);
            }
        }
        return ByteString.copyFrom(new byte[] {0});
    }
}
