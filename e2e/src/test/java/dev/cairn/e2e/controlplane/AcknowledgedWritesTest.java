package dev.cairn.e2e.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.kvnode.testing.linearizability.EtcdKvModel.Delete;
import dev.cairn.kvnode.testing.linearizability.EtcdKvModel.DeleteReply;
import dev.cairn.kvnode.testing.linearizability.EtcdKvModel.Get;
import dev.cairn.kvnode.testing.linearizability.EtcdKvModel.GetReply;
import dev.cairn.kvnode.testing.linearizability.EtcdKvModel.Put;
import dev.cairn.kvnode.testing.linearizability.EtcdKvModel.PutIfModRevision;
import dev.cairn.kvnode.testing.linearizability.EtcdKvModel.PutReply;
import dev.cairn.kvnode.testing.linearizability.EtcdKvModel.Reply;
import dev.cairn.kvnode.testing.linearizability.EtcdKvModel.Request;
import dev.cairn.kvnode.testing.linearizability.EtcdKvModel.TxnReply;
import dev.cairn.kvnode.testing.linearizability.Operation;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AcknowledgedWritesTest {

    private static final List<Operation<Request, Reply>> HISTORY = List.of(
            new Operation<>(0, new Put("k0", "v1"), 5, new PutReply(2), 10),
            new Operation<>(1, new Get("k0"), 11, new GetReply(Optional.empty(), 2), 12),
            new Operation<>(1, new PutIfModRevision("k0", 1, "v2"), 13, new TxnReply(false, 2), 14),
            Operation.pending(0, new Put("k1", "v3"), 15),
            new Operation<>(2, new Delete("k0"), 20, new DeleteReply(1, 3), 40),
            new Operation<>(1, new PutIfModRevision("k0", 0, "v4"), 41, new TxnReply(true, 4), 45));

    @Test
    void onlyAnsweredWritesThatTookEffectCount() {
        assertThat(new AcknowledgedWrites(HISTORY).between(0, 100))
                .extracting(AcknowledgedWrites.Write::returnedNanos).containsExactly(10L, 40L, 45L);
        assertThat(new AcknowledgedWrites(HISTORY).between(11, 44)).extracting(AcknowledgedWrites.Write::revision)
                .containsExactly(3L);
    }

    @Test
    void theLongestGapCountsTheWindowsEdges() {
        AcknowledgedWrites writes = new AcknowledgedWrites(HISTORY);
        assertThat(writes.longestGap(0, 50)).isEqualTo(Duration.ofNanos(30));
        assertThat(writes.longestGap(8, 100)).as("from the last write to the end").isEqualTo(Duration.ofNanos(55));
        assertThat(writes.longestGap(0, 12)).as("from the start to the first write").isEqualTo(Duration.ofNanos(10));
        assertThat(writes.longestGap(11, 39)).as("no write at all").isEqualTo(Duration.ofNanos(28));
    }
}
