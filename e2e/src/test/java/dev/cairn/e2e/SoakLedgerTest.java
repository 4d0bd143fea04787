package dev.cairn.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.kvnode.proto.mvccpb.KeyValue;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The kill -9 soak's check, on made-up stores: it must see each kind of damage, and accept what is allowed. */
class SoakLedgerTest {
    private final SoakLedger ledger = new SoakLedger();

    @Test
    void acceptsEveryAcknowledgedPutOnceWithContiguousRevisions() {
        ledger.record(List.of(ack("a", 2), ack("b", 3)), List.of());

        assertThat(ledger.check(store(3, kv("a", 2), kv("b", 3)))).isEmpty();
    }

    @Test
    void acceptsAnInDoubtPutEitherWayAndThenHoldsOnToItOnceSeen() {
        ledger.record(List.of(ack("a", 2)), List.of(doubt("x"), doubt("y")));

        assertThat(ledger.check(store(3, kv("a", 2), kv("x", 3)))).isEmpty();
        assertThat(ledger.check(store(3, kv("a", 2)))).contains("lost in-doubt-then-seen write x (revision 3)");
    }

    @Test
    void reportsALostAcknowledgedPutAndTheGapItLeaves() {
        ledger.record(List.of(ack("a", 2), ack("b", 3)), List.of());

        assertThat(ledger.check(store(3, kv("a", 2)))).hasSize(2)
                .anyMatch(p -> p.equals("lost acknowledged write b (revision 3)"))
                .anyMatch(p -> p.startsWith("create revisions are not exactly 2..3") && p.contains("missing [3]"));
    }

    @Test
    void reportsAPutAppliedTwice() {
        ledger.record(List.of(ack("a", 2)), List.of());
        KeyValue twice = kv("a", 2).toBuilder().setModRevision(3).setVersion(2).build();

        assertThat(ledger.check(store(3, twice))).anyMatch(p -> p.startsWith("applied more than once: a="));
    }

    @Test
    void reportsARevisionUsedTwiceAndAKeyNeverWritten() {
        ledger.record(List.of(ack("a", 2)), List.of());

        assertThat(ledger.check(store(2, kv("a", 2), kv("ghost", 2))))
                .anyMatch(p -> p.startsWith("revision 2 created two keys"))
                .anyMatch(p -> p.startsWith("never written, yet there: ghost="));
    }

    @Test
    void reportsAHeaderBelowTheHighestAcknowledgedRevision() {
        ledger.record(List.of(ack("a", 2), ack("b", 3)), List.of());

        assertThat(ledger.check(store(2, kv("a", 2))))
                .contains("header revision 2 is below the highest acknowledged revision 3");
    }

    private static SoakWriteLoad.Ack ack(String key, long revision) {
        return new SoakWriteLoad.Ack(key, key + "-value", revision);
    }

    private static SoakWriteLoad.InDoubt doubt(String key) {
        return new SoakWriteLoad.InDoubt(key, key + "-value", Status.Code.UNAVAILABLE, "killed", false);
    }

    private static KeyValue kv(String key, long revision) {
        return KeyValue.newBuilder().setKey(SoakWriteLoad.utf8(key)).setValue(SoakWriteLoad.utf8(key + "-value"))
                .setCreateRevision(revision).setModRevision(revision).setVersion(1).build();
    }

    private static PrefixSnapshot store(long revision, KeyValue... kvs) {
        return new PrefixSnapshot(revision, new ArrayList<>(List.of(kvs)));
    }
}
