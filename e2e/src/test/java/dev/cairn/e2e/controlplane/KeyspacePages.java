package dev.cairn.e2e.controlplane;

import com.google.protobuf.ByteString;
import dev.cairn.kvnode.proto.etcdserverpb.KVGrpc;
import dev.cairn.kvnode.proto.etcdserverpb.RangeRequest;
import dev.cairn.kvnode.proto.etcdserverpb.RangeResponse;
import dev.cairn.kvnode.proto.mvccpb.KeyValue;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.TimeUnit;

/**
 * Every key of a cluster at one revision, in key order, read a page of ranges at a time ({@code [from, \0)} with a
 * limit, the next page from just after the last key): a key space of any size, read as one consistent view.
 */
final class KeyspacePages implements Iterator<KeyValue> {

    /** With a range end of {@code \0}, a range means every key from its start on. */
    private static final ByteString TO_THE_END = ByteString.copyFrom(new byte[] {0});

    private final KVGrpc.KVBlockingStub kv;
    private final int pageSize;
    private long revision;
    private ByteString from = TO_THE_END;
    private List<KeyValue> page = List.of();
    private int index;
    private boolean more = true;

    /** @param revision the revision to read at; 0: the latest, fixed by the first page for the pages after it */
    KeyspacePages(KVGrpc.KVBlockingStub kv, long revision, int pageSize) {
        this.kv = kv;
        this.revision = revision;
        this.pageSize = pageSize;
    }

    /** The revision read at (known once the first page is read when 0 was asked for). */
    long revision() {
        return revision;
    }

    @Override
    public boolean hasNext() {
        while (index == page.size() && more) {
            RangeResponse response = kv.withDeadlineAfter(30, TimeUnit.SECONDS).range(RangeRequest.newBuilder()
                    .setKey(from).setRangeEnd(TO_THE_END).setRevision(revision).setLimit(pageSize).build());
            if (revision == 0) {
                revision = response.getHeader().getRevision();
            }
            page = response.getKvsList();
            index = 0;
            more = response.getMore() && !page.isEmpty();
            if (!page.isEmpty()) {
                from = page.get(page.size() - 1).getKey().concat(TO_THE_END);
            }
        }
        return index < page.size();
    }

    @Override
    public KeyValue next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        return page.get(index++);
    }
}
