package dev.cairn.kvnode.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.cairn.kvnode.proto.etcdserverpb.ResponseHeader;
import dev.cairn.kvnode.proto.etcdserverpb.WatchResponse;
import dev.cairn.kvnode.proto.mvccpb.Event;
import dev.cairn.kvnode.proto.mvccpb.KeyValue;
import dev.cairn.kvnode.watch.WatchUpdate;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** How watch responses get etcd's headers and are fragmented. */
class WatchResponsesTest {
    private static final int LIMIT = 1000;
    private final WatchResponses responses = new WatchResponses(
            revision -> ResponseHeader.newBuilder().setClusterId(7).setMemberId(9).setRevision(revision).build(),
            LIMIT);

    private static List<Event> events(int count, int valueBytes) {
        return IntStream.range(0, count).mapToObj(i -> Event.newBuilder().setKv(KeyValue.newBuilder()
                .setKey(ByteString.copyFromUtf8("k" + i)).setValue(ByteString.copyFromUtf8("v".repeat(valueBytes)))
                .setModRevision(10 + i)).build()).toList();
    }

    @Test
    void aLargeResponseOfAFragmentingWatchIsSplitWithoutSplittingAnEvent() {
        List<Event> events = events(10, 300);

        List<WatchResponse> parts = responses.of(new WatchUpdate(3, 19, events, false, false, 0, "", true));

        assertThat(parts).hasSizeGreaterThan(1);
        assertThat(parts.stream().flatMap(p -> p.getEventsList().stream())).containsExactlyElementsOf(events);
        assertThat(parts.subList(0, parts.size() - 1)).allMatch(WatchResponse::getFragment);
        assertThat(parts.get(parts.size() - 1).getFragment()).isFalse();
        assertThat(parts).allMatch(p -> p.getSerializedSize() < LIMIT && p.getWatchId() == 3
                && p.getHeader().getRevision() == 19);
    }

    @Test
    void responsesStayWholeUnlessTheWatchAskedOrOneEventIsAllThereIs() {
        assertThat(responses.of(new WatchUpdate(3, 19, events(10, 300), false, false, 0, "", false))).hasSize(1);
        assertThat(responses.of(new WatchUpdate(3, 19, events(1, 3000), false, false, 0, "", true)))
                .singleElement().satisfies(r -> assertThat(r.getFragment()).isFalse());
        assertThat(responses.of(new WatchUpdate(3, 19, events(2, 10), false, false, 0, "", true))).hasSize(1);
    }

    @Test
    void aCompactionCancelCarriesTheCompactRevisionAndCanceled() {
        WatchResponse response = responses.of(new WatchUpdate(5, 0, List.of(), false, true, 42, "", false)).get(0);

        assertThat(response.getCanceled()).isTrue();
        assertThat(response.getCompactRevision()).isEqualTo(42);
        assertThat(response.getHeader().getClusterId()).isEqualTo(7);
    }
}
