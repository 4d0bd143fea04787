package dev.cairn.kvnode.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.cairn.kvnode.lease.LeaseMetrics;
import dev.cairn.kvnode.lease.LeaseTiming;
import dev.cairn.kvnode.lease.Lessor;
import dev.cairn.kvnode.lease.MonotonicClock;
import dev.cairn.kvnode.mvcc.ApplyPosition;
import dev.cairn.kvnode.mvcc.MvccStore;
import dev.cairn.kvnode.mvcc.WriteTxn;
import dev.cairn.kvnode.proto.etcdserverpb.Compare;
import dev.cairn.kvnode.proto.etcdserverpb.DeleteRangeRequest;
import dev.cairn.kvnode.proto.etcdserverpb.PutRequest;
import dev.cairn.kvnode.proto.etcdserverpb.PutResponse;
import dev.cairn.kvnode.proto.etcdserverpb.RangeRequest;
import dev.cairn.kvnode.proto.etcdserverpb.RequestOp;
import dev.cairn.kvnode.proto.etcdserverpb.ResponseHeader;
import dev.cairn.kvnode.proto.etcdserverpb.TxnRequest;
import dev.cairn.kvnode.proto.etcdserverpb.TxnResponse;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KvApplierTest {
    @TempDir
    Path dir;
    MvccStore store;
    Lessor lessor;
    KvApplier applier;

    @BeforeEach
    void open() {
        store = MvccStore.open(dir.resolve("kv.db"));
        lessor = new Lessor(store, MonotonicClock.SYSTEM, LeaseTiming.fromRaft(Duration.ofMillis(100), 10,
                LeaseTiming.DEFAULT_CHECKPOINT_INTERVAL), new LeaseMetrics(new SimpleMeterRegistry()));
        applier = new KvApplier(store, lessor, revision -> ResponseHeader.newBuilder().setRevision(revision).build());
    }

    @AfterEach
    void close() {
        store.close();
    }

    /** Each write applies the next Raft entry, as the node loop would. */
    private long nextIndex;

    private TxnResponse applyTxn(TxnRequest request) {
        try (WriteTxn txn = store.beginWrite(new ApplyPosition(++nextIndex, 1))) {
            return applier.txn(txn, request);
        }
    }

    private PutResponse applyPut(PutRequest request) {
        try (WriteTxn txn = store.beginWrite(new ApplyPosition(++nextIndex, 1))) {
            return applier.put(txn, request);
        }
    }

    @Test
    void aMissingKeyComparesAsZeroButItsValueMatchesNothing() {
        assertThat(txn(compare("missing", Compare.CompareTarget.VERSION, 0)).getSucceeded()).isTrue();
        assertThat(txn(Compare.newBuilder().setKey(bytes("missing")).setTarget(Compare.CompareTarget.VALUE)
                .setValue(ByteString.EMPTY).build()).getSucceeded()).isFalse();
    }

    @Test
    void aRangeCompareMustHoldForEveryKeyInIt() {
        put("r/a", "1");
        put("r/b", "2");

        Compare allCreated = compare("r/", Compare.CompareTarget.VERSION, 1).toBuilder()
                .setRangeEnd(bytes("r0")).build();
        Compare allGreater = allCreated.toBuilder().setResult(Compare.CompareResult.GREATER)
                .setTarget(Compare.CompareTarget.MOD).setModRevision(2).build();

        assertThat(txn(allCreated).getSucceeded()).isTrue();
        assertThat(txn(allGreater).getSucceeded()).as("r/a was modified at revision 2").isFalse();
    }

    @Test
    void aNestedFailureUndoesTheWholeTransaction() {
        put("kept", "v");
        TxnRequest nestedWithUnknownLease = TxnRequest.newBuilder()
                .addSuccess(putOp(PutRequest.newBuilder().setKey(bytes("inner")).setValue(bytes("x"))
                        .setLease(77).build()))
                .build();
        TxnRequest outer = TxnRequest.newBuilder()
                .addSuccess(putOp(PutRequest.newBuilder().setKey(bytes("outer")).setValue(bytes("y")).build()))
                .addSuccess(RequestOp.newBuilder().setRequestTxn(nestedWithUnknownLease))
                .build();

        assertThatThrownBy(() -> applyTxn(outer)).isInstanceOf(KvException.class)
                .extracting(e -> ((KvException) e).error()).isEqualTo(KvError.LEASE_NOT_FOUND);

        assertThat(store.currentRevision()).isEqualTo(2);
        assertThat(applier.range(RangeRequest.newBuilder().setKey(bytes("outer")).build()).getCount()).isZero();
        assertThat(put("next", "v")).as("revisions continue without a gap").isEqualTo(3);
    }

    @Test
    void aReadAtAFutureRevisionInsideATransactionRefusesItBeforeAnyWrite() {
        TxnRequest request = TxnRequest.newBuilder()
                .addSuccess(putOp(PutRequest.newBuilder().setKey(bytes("a")).setValue(bytes("1")).build()))
                .addSuccess(RequestOp.newBuilder().setRequestRange(RangeRequest.newBuilder().setKey(bytes("a"))
                        .setRevision(50)))
                .build();

        assertThatThrownBy(() -> applyTxn(request)).isInstanceOf(KvException.class)
                .extracting(e -> ((KvException) e).error()).isEqualTo(KvError.FUTURE_REVISION);
        assertThat(store.currentRevision()).isEqualTo(1);
    }

    @Test
    void readsInsideATransactionSeeItsEarlierWritesAndCarryItsRevision() {
        TxnRequest request = TxnRequest.newBuilder()
                .addSuccess(putOp(PutRequest.newBuilder().setKey(bytes("a")).setValue(bytes("1")).build()))
                .addSuccess(RequestOp.newBuilder().setRequestRange(RangeRequest.newBuilder().setKey(bytes("a"))))
                .build();

        TxnResponse response = applyTxn(request);

        assertThat(response.getResponses(1).getResponseRange().getKvs(0).getValue()).isEqualTo(bytes("1"));
        assertThat(response.getResponses(0).getResponsePut().getHeader().getRevision()).isEqualTo(2);
        assertThat(response.getResponses(1).getResponseRange().getHeader().getRevision()).isEqualTo(2);
    }

    @Test
    void aPutWithAnUnknownLeaseIsRefusedAndChangesNothingNotEvenInATransaction() {
        long before = put("k", "v");

        assertThatThrownBy(() -> applyPut(PutRequest.newBuilder().setKey(bytes("k")).setValue(bytes("x"))
                .setLease(99).build())).isInstanceOfSatisfying(KvException.class,
                        refused -> assertThat(refused.error()).isEqualTo(KvError.LEASE_NOT_FOUND));
        assertThatThrownBy(() -> applyTxn(TxnRequest.newBuilder()
                .addSuccess(putOp(PutRequest.newBuilder().setKey(bytes("other")).setValue(bytes("x")).build()))
                .addSuccess(putOp(PutRequest.newBuilder().setKey(bytes("k")).setValue(bytes("x")).setLease(99)
                        .build())).build())).isInstanceOf(KvException.class);

        assertThat(store.currentRevision()).isEqualTo(before);
    }

    @Test
    void anUnknownLeaseIsReportedBeforeAMissingKeyForAPutButAfterItInATransaction() {
        PutRequest missingKeyAndLease = PutRequest.newBuilder().setKey(bytes("absent")).setIgnoreValue(true)
                .setLease(99).build();

        // etcd's Put looks the lease up first; its transaction checks (checkRequestPut) look at the key first.
        assertThatThrownBy(() -> applyPut(missingKeyAndLease)).isInstanceOfSatisfying(KvException.class,
                refused -> assertThat(refused.error()).isEqualTo(KvError.LEASE_NOT_FOUND));
        assertThatThrownBy(() -> applyTxn(TxnRequest.newBuilder().addSuccess(putOp(missingKeyAndLease)).build()))
                .isInstanceOfSatisfying(KvException.class,
                        refused -> assertThat(refused.error()).isEqualTo(KvError.KEY_NOT_FOUND));
    }

    @Test
    void aNestedGuardIsDecidedBeforeTheEnclosingBranchWrites() {
        // etcd decides every guard on the way (its txnPath) against the store as it was before the transaction.
        TxnRequest nested = TxnRequest.newBuilder().addCompare(compare("a", Compare.CompareTarget.VERSION, 1))
                .addSuccess(putOp(PutRequest.newBuilder().setKey(bytes("seen")).setValue(bytes("new a")).build()))
                .addFailure(putOp(PutRequest.newBuilder().setKey(bytes("seen")).setValue(bytes("no a")).build()))
                .build();

        TxnResponse response = applyTxn(TxnRequest.newBuilder()
                .addSuccess(putOp(PutRequest.newBuilder().setKey(bytes("a")).setValue(bytes("1")).build()))
                .addSuccess(RequestOp.newBuilder().setRequestTxn(nested)).build());

        assertThat(response.getResponses(1).getResponseTxn().getSucceeded()).isFalse();
        assertThat(store.range(dev.cairn.kvnode.mvcc.KeyRange.single(bytes("seen")), 0, 0, false).kvs())
                .singleElement().satisfies(kv -> assertThat(kv.getValue()).isEqualTo(bytes("no a")));
    }

    @Test
    void aTransactionsPutsAreCheckedBeforeItsReadsWhereverTheyAre() {
        long before = put("k", "v");
        RequestOp futureRead = RequestOp.newBuilder().setRequestRange(RangeRequest.newBuilder().setKey(bytes("k"))
                .setRevision(before + 10)).build();
        RequestOp unknownLease = putOp(PutRequest.newBuilder().setKey(bytes("other")).setValue(bytes("x"))
                .setLease(99).build());

        // As etcd's checkTxn: all puts on the way first, then all reads, so the nested put's lease is reported.
        assertThatThrownBy(() -> applyTxn(TxnRequest.newBuilder().addSuccess(futureRead)
                .addSuccess(RequestOp.newBuilder().setRequestTxn(TxnRequest.newBuilder().addSuccess(unknownLease)))
                .build())).isInstanceOfSatisfying(KvException.class,
                        refused -> assertThat(refused.error()).isEqualTo(KvError.LEASE_NOT_FOUND));
        assertThat(store.currentRevision()).isEqualTo(before);
    }

    @Test
    void putsAttachMoveAndKeepLeasesAndDeletesDetachThem() {
        grant(1);
        grant(2);
        applyPut(PutRequest.newBuilder().setKey(bytes("k")).setValue(bytes("v")).setLease(1).build());
        applyPut(PutRequest.newBuilder().setKey(bytes("k")).setValue(bytes("w")).setIgnoreLease(true).build());
        assertThat(keysOf(1)).containsExactly("k");

        applyTxn(TxnRequest.newBuilder().addSuccess(putOp(PutRequest.newBuilder().setKey(bytes("k"))
                .setValue(bytes("x")).setLease(2).build())).build());
        assertThat(keysOf(1)).isEmpty();
        assertThat(keysOf(2)).containsExactly("k");

        try (WriteTxn txn = store.beginWrite(new ApplyPosition(++nextIndex, 1))) {
            applier.deleteRange(txn, DeleteRangeRequest.newBuilder().setKey(bytes("k")).build());
        }
        assertThat(keysOf(2)).isEmpty();
    }

    private void grant(long id) {
        try (WriteTxn txn = store.beginWrite(new ApplyPosition(++nextIndex, 1))) {
            lessor.grant(txn, id, 60);
        }
    }

    private java.util.List<String> keysOf(long lease) {
        if (!lessor.isPrimary()) {
            lessor.promote();
        }
        return lessor.timeToLive(lease).keys().stream().map(ByteString::toStringUtf8).toList();
    }

    private TxnResponse txn(Compare compare) {
        return applyTxn(TxnRequest.newBuilder().addCompare(compare).build());
    }

    private static Compare compare(String key, Compare.CompareTarget target, long number) {
        Compare.Builder compare = Compare.newBuilder().setKey(bytes(key)).setTarget(target)
                .setResult(Compare.CompareResult.EQUAL);
        switch (target) {
            case VERSION -> compare.setVersion(number);
            case MOD -> compare.setModRevision(number);
            case CREATE -> compare.setCreateRevision(number);
            case LEASE -> compare.setLease(number);
            default -> throw new IllegalArgumentException(target.name());
        }
        return compare.build();
    }

    private long put(String key, String value) {
        return applyPut(PutRequest.newBuilder().setKey(bytes(key)).setValue(bytes(value)).build()).getHeader()
                .getRevision();
    }

    private static RequestOp putOp(PutRequest put) {
        return RequestOp.newBuilder().setRequestPut(put).build();
    }

    private static ByteString bytes(String s) {
        return ByteString.copyFromUtf8(s);
    }
}
