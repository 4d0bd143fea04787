package dev.cairn.kvnode.testing;

import static dev.cairn.kvnode.testing.OneShotChannel.call;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.cairn.kvnode.proto.etcdserverpb.KVGrpc;
import dev.cairn.kvnode.proto.etcdserverpb.RangeRequest;
import dev.cairn.kvnode.proto.etcdserverpb.RangeResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** The end-of-scenario check that members converged: each serves the same keys at the same revision. */
public final class MembersAgree {
    private static final ByteString EVERY_KEY = ByteString.copyFrom(new byte[] {0});

    private MembersAgree() {
    }

    /**
     * Waits up to {@code atMost} until every member in {@code clientUrls} (asked again on each try) answers a
     * serializable read of every key — its own store — with the same revision and the same keys, and there are
     * {@code expectedMembers} of them.
     */
    public static void await(Supplier<List<String>> clientUrls, int expectedMembers, Duration atMost) {
        org.awaitility.Awaitility.await("members converge").atMost(atMost).untilAsserted(() -> {
            List<RangeResponse> views = clientUrls.get().stream()
                    .map(url -> call(url, channel -> KVGrpc.newBlockingStub(channel)
                            .withDeadlineAfter(5, TimeUnit.SECONDS)
                            .range(RangeRequest.newBuilder().setKey(EVERY_KEY).setRangeEnd(EVERY_KEY)
                                    .setSerializable(true).build())))
                    .toList();
            assertThat(views).hasSize(expectedMembers);
            assertThat(views).extracting(view -> view.getHeader().getRevision())
                    .containsOnly(views.get(0).getHeader().getRevision());
            assertThat(views).extracting(RangeResponse::getKvsList).containsOnly(views.get(0).getKvsList());
        });
    }
}
