package dev.cairn.kvnode.testing.linearizability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.kvnode.testing.linearizability.CheckResult.Verdict;
import dev.cairn.kvnode.testing.linearizability.EtcdKvModel.Delete;
import dev.cairn.kvnode.testing.linearizability.EtcdKvModel.DeleteReply;
import dev.cairn.kvnode.testing.linearizability.EtcdKvModel.Found;
import dev.cairn.kvnode.testing.linearizability.EtcdKvModel.Get;
import dev.cairn.kvnode.testing.linearizability.EtcdKvModel.GetReply;
import dev.cairn.kvnode.testing.linearizability.EtcdKvModel.KeyValue;
import dev.cairn.kvnode.testing.linearizability.EtcdKvModel.Put;
import dev.cairn.kvnode.testing.linearizability.EtcdKvModel.PutIfModRevision;
import dev.cairn.kvnode.testing.linearizability.EtcdKvModel.PutReply;
import dev.cairn.kvnode.testing.linearizability.EtcdKvModel.Reply;
import dev.cairn.kvnode.testing.linearizability.EtcdKvModel.Request;
import dev.cairn.kvnode.testing.linearizability.EtcdKvModel.Store;
import dev.cairn.kvnode.testing.linearizability.EtcdKvModel.TxnReply;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** etcd's revision rules one step at a time, then in small hand-written histories. */
class EtcdKvModelTest {
    private final EtcdKvModel model = new EtcdKvModel();
    /** After put(x, "a") on a fresh store. */
    private final Store xa = new Store(2, Map.of("x", new KeyValue("a", 2, 2, 1)));

    private static GetReply found(String value, long modRevision, long revision) {
        return new GetReply(Optional.of(new Found(value, modRevision)), revision);
    }

    private static GetReply missing(long revision) {
        return new GetReply(Optional.empty(), revision);
    }

    @Test
    void aFreshStoreIsAtRevisionOne() {
        assertThat(model.init()).isEqualTo(new Store(1, Map.of()));
    }

    @Test
    void everyPutMakesARevisionAndCountsVersions() {
        assertThat(model.step(model.init(), new Put("x", "a"), new PutReply(2))).containsExactly(xa);
        assertThat(model.step(xa, new Put("x", "b"), new PutReply(3)))
                .containsExactly(new Store(3, Map.of("x", new KeyValue("b", 3, 2, 2))));
        assertThat(model.step(xa, new Put("x", "a"), new PutReply(3))).as("same value, still a new revision")
                .containsExactly(new Store(3, Map.of("x", new KeyValue("a", 3, 2, 2))));
        assertThat(model.step(xa, new Put("x", "b"), new PutReply(2))).isEmpty();
        assertThat(model.step(xa, new Put("x", "b"), new PutReply(4))).isEmpty();
    }

    @Test
    void aGetAnswersValueModRevisionAndTheCurrentRevision() {
        assertThat(model.step(xa, new Get("x"), found("a", 2, 2))).containsExactly(xa);
        assertThat(model.step(xa, new Get("y"), missing(2))).containsExactly(xa);
        assertThat(model.step(xa, new Get("x"), found("a", 2, 1))).as("header revision behind").isEmpty();
        assertThat(model.step(xa, new Get("x"), found("a", 1, 2))).as("wrong mod revision").isEmpty();
        assertThat(model.step(xa, new Get("x"), found("b", 2, 2))).as("wrong value").isEmpty();
        assertThat(model.step(xa, new Get("x"), missing(2))).isEmpty();
    }

    @Test
    void deletingAPresentKeyMakesARevisionButDeletingAMissingOneDoesNot() {
        assertThat(model.step(xa, new Delete("x"), new DeleteReply(1, 3))).containsExactly(new Store(3, Map.of()));
        assertThat(model.step(xa, new Delete("y"), new DeleteReply(0, 2))).containsExactly(xa);
        assertThat(model.step(xa, new Delete("y"), new DeleteReply(0, 3))).isEmpty();
        assertThat(model.step(xa, new Delete("x"), new DeleteReply(0, 2))).isEmpty();
    }

    @Test
    void aRecreatedKeyStartsOverAtVersionOne() {
        Store deleted = model.step(xa, new Delete("x"), new DeleteReply(1, 3)).get(0);
        assertThat(model.step(deleted, new Put("x", "c"), new PutReply(4)))
                .containsExactly(new Store(4, Map.of("x", new KeyValue("c", 4, 4, 1))));
    }

    @Test
    void theTransactionPutsOnlyWhenTheModRevisionMatches() {
        assertThat(model.step(xa, new PutIfModRevision("x", 2, "b"), new TxnReply(true, 3)))
                .containsExactly(new Store(3, Map.of("x", new KeyValue("b", 3, 2, 2))));
        assertThat(model.step(xa, new PutIfModRevision("x", 1, "b"), new TxnReply(false, 2)))
                .containsExactly(xa);
        assertThat(model.step(xa, new PutIfModRevision("x", 1, "b"), new TxnReply(true, 3))).isEmpty();
        assertThat(model.step(xa, new PutIfModRevision("x", 1, "b"), new TxnReply(false, 3)))
                .as("a failed comparison writes nothing, so no new revision").isEmpty();
    }

    @Test
    void aMissingKeyHasModRevisionZero() {
        assertThat(model.step(xa, new PutIfModRevision("y", 0, "n"), new TxnReply(true, 3))).hasSize(1);
        assertThat(model.step(xa, new PutIfModRevision("x", 0, "n"), new TxnReply(false, 2))).containsExactly(xa);
    }

    @Test
    void anUnknownOutcomeIsAcceptedAsIfTheOperationTookEffect() {
        assertThat(model.step(model.init(), new Put("x", "a"), null)).containsExactly(xa);
        assertThat(model.step(xa, new PutIfModRevision("x", 7, "b"), null)).containsExactly(xa);
        assertThat(model.step(xa, new Delete("x"), null)).containsExactly(new Store(3, Map.of()));
        assertThat(model.step(xa, new Get("x"), null)).containsExactly(xa);
        assertThat(model.isReadOnly(new Get("x"))).isTrue();
        assertThat(model.isReadOnly(new Put("x", "a"))).isFalse();
    }

    @Test
    void aReplyOfTheWrongKindIsARecordingBug() {
        assertThatThrownBy(() -> model.step(xa, new Put("x", "b"), new TxnReply(true, 3)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> model.step(xa, new Get("x"), new PutReply(2)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void simplifySettlesAPendingWriteAGetSawAtTheRevisionItSaw() {
        Operation<Request, Reply> lostPut = Operation.pending(0, new Put("x", "a"), 0);
        Operation<Request, Reply> lostTxn = Operation.pending(1, new PutIfModRevision("y", 0, "b"), 0);
        Operation<Request, Reply> unseen = Operation.pending(2, new Put("z", "c"), 0);
        Operation<Request, Reply> sawA = op(3, new Get("x"), 10, found("a", 3, 4), 20);
        Operation<Request, Reply> sawB = op(3, new Get("y"), 30, found("b", 2, 4), 40);

        assertThat(model.simplify(List.of(lostPut, lostTxn, unseen, sawA, sawB))).containsExactly(
                op(0, new Put("x", "a"), 0, new PutReply(3), 20),
                op(1, new PutIfModRevision("y", 0, "b"), 0, new TxnReply(true, 2), 40),
                unseen, sawA, sawB);
    }

    @Test
    void simplifyChangesNothingWhenAValueIsWrittenTwice() {
        List<Operation<Request, Reply>> history = List.of(
                Operation.pending(0, new Put("x", "a"), 0),
                op(1, new Put("y", "a"), 0, new PutReply(2), 5),
                op(3, new Get("x"), 10, found("a", 3, 3), 20));

        assertThat(model.simplify(history)).isEqualTo(history);
    }

    @Test
    void isOnePartitionBecauseTheRevisionIsShared() {
        List<Operation<Request, Reply>> history = List.of(
                new Operation<>(0, new Put("x", "a"), 0, new PutReply(2), 1),
                new Operation<>(1, new Put("y", "b"), 0, new PutReply(3), 1));
        assertThat(model.partition(history)).containsExactly(history);
    }

    @Test
    void describesOperationsAndStatesReadably() {
        assertThat(model.describeOperation(new Get("x"), found("a", 2, 5)))
                .isEqualTo("get(x) -> \"a\" mod 2, rev 5");
        assertThat(model.describeOperation(new PutIfModRevision("x", 2, "b"), new TxnReply(false, 5)))
                .isEqualTo("txn(if mod(x) == 2 then put(x, \"b\")) -> failed, rev 5");
        assertThat(model.describeOperation(new Delete("x"), null)).isEqualTo("delete(x) -> unknown outcome");
        assertThat(model.describeState(xa)).isEqualTo("rev 2 {x=\"a\" (mod 2, create 2, version 1)}");
    }

    // Histories.

    private static Operation<Request, Reply> op(int client, Request request, long call, Reply reply, long ret) {
        return new Operation<>(client, request, call, reply, ret);
    }

    @SafeVarargs
    private final CheckResult<Request, Reply> check(Operation<Request, Reply>... history) {
        return LinearizabilityChecker.check(model, List.of(history), Duration.ofSeconds(10));
    }

    @Test
    void concurrentPutsAreOrderedByTheRevisionsTheyGot() {
        CheckResult<Request, Reply> result = check(
                op(0, new Put("x", "a"), 0, new PutReply(3), 10),
                op(1, new Put("x", "b"), 0, new PutReply(2), 10),
                op(2, new Get("x"), 20, found("a", 3, 3), 30));

        assertThat(result.verdict()).as(result.explain()).isEqualTo(Verdict.OK);
    }

    @Test
    void aRevisionThatGoesBackwardsInRealTimeIsIllegal() {
        CheckResult<Request, Reply> result = check(
                op(0, new Put("x", "a"), 0, new PutReply(3), 10),
                op(1, new Put("y", "b"), 20, new PutReply(2), 30));

        assertThat(result.verdict()).isEqualTo(Verdict.ILLEGAL);
    }

    @Test
    void aStaleGetAtAnOldRevisionIsIllegalAndNamed() {
        CheckResult<Request, Reply> result = check(
                op(0, new Put("x", "a"), 0, new PutReply(2), 10),
                op(0, new Put("x", "b"), 20, new PutReply(3), 30),
                op(1, new Get("x"), 40, found("a", 2, 2), 50));

        assertThat(result.verdict()).isEqualTo(Verdict.ILLEGAL);
        // The get's revision 2 holds the search at revision 2, where put(x, "b") cannot follow: the explanation
        // names both.
        assertThat(result.counterexample().orElseThrow().unplaceable()).extracting(Operation::input)
                .containsExactly(new Put("x", "b"));
        assertThat(result.explain()).contains("client 0 [20, 30] put(x, \"b\") -> rev 3")
                .contains("must still be placed")
                .contains("client 1 [40, 50] get(x) -> \"a\" mod 2, rev 2");
    }

    @Test
    void aTimedOutPutIsSeenThroughTheRevisionsOfLaterOperations() {
        // The lost put took effect: the next put got revision 3, not 2.
        assertThat(check(
                Operation.pending(0, new Put("x", "a"), 0),
                op(1, new Put("y", "b"), 100, new PutReply(3), 110),
                op(1, new Get("x"), 120, found("a", 2, 3), 130)).verdict()).isEqualTo(Verdict.OK);
        // It did not (yet): revision 2 went to the next put.
        assertThat(check(
                Operation.pending(0, new Put("x", "a"), 0),
                op(1, new Put("y", "b"), 100, new PutReply(2), 110),
                op(1, new Get("x"), 120, missing(2), 130)).verdict()).isEqualTo(Verdict.OK);
        // But a revision that skips one with nothing unknown to explain it is illegal.
        assertThat(check(
                op(0, new Put("x", "a"), 0, new PutReply(2), 10),
                op(1, new Put("y", "b"), 100, new PutReply(4), 110)).verdict()).isEqualTo(Verdict.ILLEGAL);
    }

    @Test
    void aFailedTransactionRevealsTheWriteThatBeatIt() {
        CheckResult<Request, Reply> result = check(
                op(0, new Put("x", "a"), 0, new PutReply(2), 10),
                op(1, new PutIfModRevision("x", 2, "b"), 20, new TxnReply(true, 3), 40),
                op(2, new PutIfModRevision("x", 2, "c"), 20, new TxnReply(false, 3), 40),
                op(2, new Get("x"), 50, found("b", 3, 3), 60));

        assertThat(result.verdict()).as(result.explain()).isEqualTo(Verdict.OK);
        assertThat(check(
                op(0, new Put("x", "a"), 0, new PutReply(2), 10),
                op(1, new PutIfModRevision("x", 2, "b"), 20, new TxnReply(true, 3), 40),
                op(2, new PutIfModRevision("x", 2, "c"), 20, new TxnReply(true, 4), 40)).verdict())
                .as("both compare-and-puts cannot win").isEqualTo(Verdict.ILLEGAL);
    }

    @Test
    void aStoreWithContentsCanBeTheStart() {
        EtcdKvModel prefilled = new EtcdKvModel(xa);
        CheckResult<Request, Reply> result = LinearizabilityChecker.check(prefilled,
                List.of(op(0, new Get("x"), 0, found("a", 2, 2), 1)), Duration.ofSeconds(10));

        assertThat(result.verdict()).isEqualTo(Verdict.OK);
    }
}
