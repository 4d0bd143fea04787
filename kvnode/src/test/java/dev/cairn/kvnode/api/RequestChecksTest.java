package dev.cairn.kvnode.api;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.cairn.kvnode.proto.etcdserverpb.Compare;
import dev.cairn.kvnode.proto.etcdserverpb.DeleteRangeRequest;
import dev.cairn.kvnode.proto.etcdserverpb.PutRequest;
import dev.cairn.kvnode.proto.etcdserverpb.RangeRequest;
import dev.cairn.kvnode.proto.etcdserverpb.RequestOp;
import dev.cairn.kvnode.proto.etcdserverpb.TxnRequest;
import dev.cairn.kvnode.server.KvError;
import dev.cairn.kvnode.server.KvException;
import java.util.Collections;
import org.junit.jupiter.api.Test;

/** The shape checks answer what etcd's v3rpc checks answer (key.go: checkRangeRequest, checkTxnRequest, checkIntervals). */
class RequestChecksTest {
    private final RequestChecks checks = new RequestChecks(4);

    @Test
    void anUnknownSortOrderOrTargetIsAnInvalidSortOption() {
        assertRefused(() -> checks.checkRange(RangeRequest.newBuilder().setKey(bytes("k")).setSortOrderValue(9)
                .build()), KvError.INVALID_SORT_OPTION);
        assertRefused(() -> checks.checkRange(RangeRequest.newBuilder().setKey(bytes("k")).setSortTargetValue(-1)
                .build()), KvError.INVALID_SORT_OPTION);
        assertRefused(() -> checks.checkTxn(TxnRequest.newBuilder().addFailure(RequestOp.newBuilder()
                .setRequestRange(RangeRequest.newBuilder().setKey(bytes("k")).setSortTargetValue(7))).build()),
                KvError.INVALID_SORT_OPTION);
    }

    @Test
    void anEmptyOperationIsKeyNotFoundAsInEtcd() {
        assertRefused(() -> checks.checkTxn(TxnRequest.newBuilder().addSuccess(RequestOp.getDefaultInstance())
                .build()), KvError.KEY_NOT_FOUND);
    }

    @Test
    void aNestedTransactionMayUseOnlyTheBudgetItsParentLeft() {
        TxnRequest threeOps = TxnRequest.newBuilder().addAllSuccess(Collections.nCopies(3, range("a"))).build();
        // The parent uses 1 of 4, the nested transaction's 3 fit.
        assertThatCode(() -> checks.checkTxn(TxnRequest.newBuilder().addSuccess(nested(threeOps)).build()))
                .doesNotThrowAnyException();
        // The parent uses 2 of 4, leaving 2 for a nested transaction that has 3.
        assertRefused(() -> checks.checkTxn(TxnRequest.newBuilder().addSuccess(nested(threeOps)).addSuccess(range("b"))
                .build()), KvError.TOO_MANY_OPS);
        assertRefused(() -> checks.checkTxn(TxnRequest.newBuilder().addAllCompare(Collections.nCopies(5,
                Compare.newBuilder().setKey(bytes("c")).build())).build()), KvError.TOO_MANY_OPS);
    }

    @Test
    void shapeFaultsAnywhereComeBeforeDuplicateKeys() {
        TxnRequest duplicates = TxnRequest.newBuilder().addSuccess(put("k")).addSuccess(put("k")).build();

        assertRefused(() -> checks.checkTxn(TxnRequest.newBuilder().addSuccess(nested(duplicates))
                .addFailure(put("")).build()), KvError.EMPTY_KEY);
        assertRefused(() -> checks.checkTxn(TxnRequest.newBuilder().addSuccess(nested(duplicates)).build()),
                KvError.DUPLICATE_KEY);
    }

    @Test
    void writesOverlapAsEtcdJudgesThem() {
        // Two puts, or a put inside a deleted range, in one branch.
        assertRefused(() -> checks.checkTxn(txn(put("a"), put("a"))), KvError.DUPLICATE_KEY);
        assertRefused(() -> checks.checkTxn(txn(delete("a", "c"), put("b"))), KvError.DUPLICATE_KEY);
        // A nested put against an enclosing delete, and against an earlier nested transaction's put.
        assertRefused(() -> checks.checkTxn(txn(delete("a", ""), nested(txn(put("a"))))), KvError.DUPLICATE_KEY);
        assertRefused(() -> checks.checkTxn(txn(nested(txn(put("a"))), nested(txn(put("a"))))),
                KvError.DUPLICATE_KEY);
        // The branches of one nested transaction are alternatives.
        assertThatCode(() -> checks.checkTxn(txn(nested(TxnRequest.newBuilder().addSuccess(put("a"))
                .addFailure(put("a")).build())))).doesNotThrowAnyException();
        // A nested transaction's delete in one branch does not collide with its put in the other, nor with a put
        // of an earlier nested transaction; success and failure of the outer transaction are separate.
        assertThatCode(() -> checks.checkTxn(txn(nested(TxnRequest.newBuilder().addSuccess(put("a"))
                .addFailure(delete("a", "")).build())))).doesNotThrowAnyException();
        assertThatCode(() -> checks.checkTxn(txn(nested(txn(put("a"))), nested(txn(delete("a", ""))))))
                .doesNotThrowAnyException();
        assertThatCode(() -> checks.checkTxn(TxnRequest.newBuilder().addSuccess(put("a")).addFailure(put("a"))
                .build())).doesNotThrowAnyException();
        // ...but a later nested transaction's put meets an earlier one's delete.
        assertRefused(() -> checks.checkTxn(txn(nested(txn(delete("a", ""))), nested(txn(put("a"))))),
                KvError.DUPLICATE_KEY);
        // A delete's range end is a plain bound here: "\0" and an end before the key cover no put.
        assertThatCode(() -> checks.checkTxn(txn(delete("a", "\0"), put("b")))).doesNotThrowAnyException();
        assertThatCode(() -> checks.checkTxn(txn(delete("c", "a"), put("b")))).doesNotThrowAnyException();
    }

    private static void assertRefused(Runnable check, KvError error) {
        assertThatThrownBy(check::run).isInstanceOfSatisfying(KvException.class,
                refused -> org.assertj.core.api.Assertions.assertThat(refused.error()).isEqualTo(error));
    }

    private static TxnRequest txn(RequestOp... success) {
        return TxnRequest.newBuilder().addAllSuccess(java.util.List.of(success)).build();
    }

    private static RequestOp nested(TxnRequest txn) {
        return RequestOp.newBuilder().setRequestTxn(txn).build();
    }

    private static RequestOp range(String key) {
        return RequestOp.newBuilder().setRequestRange(RangeRequest.newBuilder().setKey(bytes(key))).build();
    }

    private static RequestOp put(String key) {
        return RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder().setKey(bytes(key))).build();
    }

    private static RequestOp delete(String key, String end) {
        return RequestOp.newBuilder().setRequestDeleteRange(DeleteRangeRequest.newBuilder().setKey(bytes(key))
                .setRangeEnd(bytes(end))).build();
    }

    private static ByteString bytes(String s) {
        return ByteString.copyFromUtf8(s);
    }
}
