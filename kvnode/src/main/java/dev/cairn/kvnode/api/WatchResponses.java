package dev.cairn.kvnode.api;

import com.google.protobuf.CodedOutputStream;
import dev.cairn.kvnode.proto.etcdserverpb.ResponseHeader;
import dev.cairn.kvnode.proto.etcdserverpb.WatchResponse;
import dev.cairn.kvnode.proto.mvccpb.Event;
import dev.cairn.kvnode.watch.WatchUpdate;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;

/**
 * Turns what a watch stream sends into etcd's WatchResponse messages: the header at the revision etcd reports, and,
 * for a watch created with fragment=true, a response larger than the request limit split over several messages —
 * all but the last marked fragment — never splitting one event, as etcd's sendFragments does.
 */
final class WatchResponses {
    private final LongFunction<ResponseHeader> headers;
    private final int maxRequestBytes;

    WatchResponses(LongFunction<ResponseHeader> headers, int maxRequestBytes) {
        this.headers = headers;
        this.maxRequestBytes = maxRequestBytes;
    }

    List<WatchResponse> of(WatchUpdate update) {
        WatchResponse.Builder empty = WatchResponse.newBuilder()
                .setHeader(headers.apply(update.revision()))
                .setWatchId(update.watchId())
                .setCreated(update.created())
                .setCanceled(update.canceled())
                .setCompactRevision(update.compactRevision())
                .setCancelReason(update.cancelReason());
        WatchResponse whole = empty.clone().addAllEvents(update.events()).build();
        if (!update.fragment() || update.events().size() < 2 || whole.getSerializedSize() < maxRequestBytes) {
            return List.of(whole);
        }
        return fragments(empty.setFragment(true).build(), update.events());
    }

    private List<WatchResponse> fragments(WatchResponse empty, List<Event> events) {
        List<WatchResponse> parts = new ArrayList<>();
        int emptySize = empty.getSerializedSize();
        long size = emptySize;
        List<Event> part = new ArrayList<>();
        for (Event event : events) {
            int eventSize = CodedOutputStream.computeMessageSize(WatchResponse.EVENTS_FIELD_NUMBER, event);
            if (!part.isEmpty() && size + eventSize >= maxRequestBytes) {
                parts.add(empty.toBuilder().addAllEvents(part).build());
                part = new ArrayList<>();
                size = emptySize;
            }
            part.add(event);
            size += eventSize;
        }
        parts.add(empty.toBuilder().addAllEvents(part).setFragment(false).build());
        return parts;
    }
}
