package dev.cairn.kvnode.testing.linearizability;

import static dev.cairn.kvnode.testing.linearizability.RegisterModel.absent;
import static dev.cairn.kvnode.testing.linearizability.RegisterModel.delete;
import static dev.cairn.kvnode.testing.linearizability.RegisterModel.get;
import static dev.cairn.kvnode.testing.linearizability.RegisterModel.put;
import static dev.cairn.kvnode.testing.linearizability.RegisterModel.read;
import static dev.cairn.kvnode.testing.linearizability.RegisterModel.written;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.kvnode.testing.linearizability.CheckResult.Verdict;
import dev.cairn.kvnode.testing.linearizability.RegisterModel.Command;
import dev.cairn.kvnode.testing.linearizability.RegisterModel.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Hand-written register histories whose verdict can be seen by drawing their intervals. */
class LinearizabilityCheckerTest {
    private static final RegisterModel REGISTER = new RegisterModel();
    private static final Duration GENEROUS = Duration.ofSeconds(10);

    private static Operation<Command, Response> op(int client, Command command, long call, Response response,
            long ret) {
        return new Operation<>(client, command, call, response, ret);
    }

    private static Operation<Command, Response> timedOut(int client, Command command, long call) {
        return Operation.pending(client, command, call);
    }

    @SafeVarargs
    private static CheckResult<Command, Response> check(Operation<Command, Response>... history) {
        return LinearizabilityChecker.check(REGISTER, List.of(history), GENEROUS);
    }

    @Test
    void anEmptyHistoryIsLinearizable() {
        assertThat(check().verdict()).isEqualTo(Verdict.OK);
    }

    @Test
    void aSequentialHistoryThatFollowsTheRegisterIsLinearizable() {
        CheckResult<Command, Response> result = check(
                op(0, put("x", "1"), 0, written(), 1),
                op(1, get("x"), 2, read("1"), 3),
                op(0, put("x", "2"), 4, written(), 5),
                op(1, get("x"), 6, read("2"), 7),
                op(0, delete("x"), 8, written(), 9),
                op(1, get("x"), 10, absent(), 11));

        assertThat(result.verdict()).as(result.explain()).isEqualTo(Verdict.OK);
        assertThat(result.counterexample()).isEmpty();
    }

    @Test
    void overlappingWritesMayTakeEffectInEitherOrder() {
        Operation<Command, Response> one = op(0, put("x", "1"), 0, written(), 10);
        Operation<Command, Response> two = op(1, put("x", "2"), 5, written(), 15);

        assertThat(check(one, two, op(2, get("x"), 20, read("2"), 21)).verdict()).isEqualTo(Verdict.OK);
        assertThat(check(one, two, op(2, get("x"), 20, read("1"), 21)).verdict()).isEqualTo(Verdict.OK);
    }

    @Test
    void aReadOverlappingAWriteMaySeeEitherTheOldOrTheNewValue() {
        Operation<Command, Response> write = op(0, put("x", "1"), 0, written(), 10);

        assertThat(check(write, op(1, get("x"), 3, absent(), 7)).verdict()).isEqualTo(Verdict.OK);
        assertThat(check(write, op(1, get("x"), 3, read("1"), 7)).verdict()).isEqualTo(Verdict.OK);
    }

    @Test
    void twoOverlappingReadsMustAgreeOnOneOrder() {
        // Both reads overlap the write, but once one has seen "1" a read that starts after it cannot see absent.
        CheckResult<Command, Response> result = check(
                op(0, put("x", "1"), 0, written(), 100),
                op(1, get("x"), 10, read("1"), 20),
                op(2, get("x"), 30, absent(), 40));

        assertThat(result.verdict()).isEqualTo(Verdict.ILLEGAL);
    }

    @Test
    void aStaleReadIsIllegalAndTheExplanationNamesIt() {
        Operation<Command, Response> staleRead = op(2, get("x"), 40, read("1"), 50);
        CheckResult<Command, Response> result = check(
                op(0, put("x", "1"), 0, written(), 10),
                op(1, put("x", "2"), 20, written(), 30),
                staleRead);

        assertThat(result.verdict()).isEqualTo(Verdict.ILLEGAL);
        Counterexample<Command, Response> counterexample = result.counterexample().orElseThrow();
        assertThat(counterexample.unplaceable()).containsExactly(staleRead);
        assertThat(counterexample.longestPrefix()).hasSize(2).doesNotContain(staleRead);
        assertThat(counterexample.stateAfterPrefix()).isEqualTo("\"2\"");
        assertThat(result.explain())
                .contains("ILLEGAL")
                .contains("client 2 [40, 50] get(x) -> \"1\"")
                .contains("State after that prefix: \"2\"");
    }

    @Test
    void readingTheInitialValueAfterACompletedWriteIsIllegal() {
        Operation<Command, Response> staleRead = op(1, get("x"), 20, absent(), 30);
        CheckResult<Command, Response> result = check(op(0, put("x", "1"), 0, written(), 10), staleRead);

        assertThat(result.verdict()).isEqualTo(Verdict.ILLEGAL);
        assertThat(result.counterexample().orElseThrow().unplaceable()).containsExactly(staleRead);
        assertThat(result.explain()).contains("get(x) -> absent");
    }

    @Test
    void aReadOfAValueNeverWrittenIsIllegal() {
        CheckResult<Command, Response> result = check(
                op(0, put("x", "1"), 0, written(), 10),
                op(1, get("x"), 5, read("ghost"), 15));

        assertThat(result.verdict()).isEqualTo(Verdict.ILLEGAL);
        assertThat(result.explain()).contains("get(x) -> \"ghost\"");
    }

    @Test
    void aTimedOutWriteThatLaterBecomesVisibleIsLinearizable() {
        CheckResult<Command, Response> result = check(
                timedOut(0, put("x", "1"), 0),
                op(1, get("x"), 100, absent(), 110),
                op(1, get("x"), 200, read("1"), 210));

        assertThat(result.verdict()).as(result.explain()).isEqualTo(Verdict.OK);
    }

    @Test
    void aTimedOutWriteThatNeverBecomesVisibleIsLinearizable() {
        CheckResult<Command, Response> result = check(
                timedOut(0, put("x", "1"), 0),
                op(1, get("x"), 100, absent(), 110),
                op(1, put("x", "2"), 120, written(), 130),
                op(1, get("x"), 200, read("2"), 210));

        assertThat(result.verdict()).as(result.explain()).isEqualTo(Verdict.OK);
    }

    @Test
    void aTimedOutWriteCannotTakeEffectBeforeItWasCalled() {
        CheckResult<Command, Response> result = check(
                op(1, get("x"), 0, read("1"), 10),
                timedOut(0, put("x", "1"), 20));

        assertThat(result.verdict()).isEqualTo(Verdict.ILLEGAL);
    }

    @Test
    void aTimedOutWriteOnceSeenCannotBeUnseen() {
        CheckResult<Command, Response> result = check(
                timedOut(0, put("x", "1"), 0),
                op(1, get("x"), 100, read("1"), 110),
                op(1, get("x"), 200, absent(), 210));

        assertThat(result.verdict()).isEqualTo(Verdict.ILLEGAL);
    }

    @Test
    void timedOutReadsAreDroppedBecauseTheyConstrainNothing() {
        Operation<Command, Response> lostRead = timedOut(1, get("x"), 5);
        CheckResult<Command, Response> result = check(
                op(0, put("x", "1"), 0, written(), 10),
                lostRead,
                op(2, get("x"), 20, absent(), 30));

        assertThat(result.verdict()).isEqualTo(Verdict.ILLEGAL);
        assertThat(result.counterexample().orElseThrow().partition()).doesNotContain(lostRead).hasSize(2);
    }

    @Test
    void aCallAtTheTickAnotherOperationReturnsCountsAsConcurrent() {
        Operation<Command, Response> write = op(0, put("x", "1"), 0, written(), 10);

        assertThat(check(write, op(1, get("x"), 10, absent(), 20)).verdict()).isEqualTo(Verdict.OK);
        assertThat(check(write, op(1, get("x"), 11, absent(), 20)).verdict()).isEqualTo(Verdict.ILLEGAL);
    }

    @Test
    void theFailingPartitionIsReportedAndTheOthersAreLeftOut() {
        CheckResult<Command, Response> result = check(
                op(0, put("x", "1"), 0, written(), 10),
                op(0, get("x"), 20, read("1"), 30),
                op(1, put("y", "1"), 0, written(), 10),
                op(1, get("y"), 20, absent(), 30));

        assertThat(result.verdict()).isEqualTo(Verdict.ILLEGAL);
        Counterexample<Command, Response> counterexample = result.counterexample().orElseThrow();
        assertThat(counterexample.partitionIndex()).isEqualTo(1);
        assertThat(counterexample.partitionCount()).isEqualTo(2);
        assertThat(counterexample.partition()).allMatch(operation -> operation.input().key().equals("y"));
        assertThat(result.explain()).contains("Partition 2 of 2");
    }

    @Test
    void aLongPrefixIsShortenedInTheExplanation() {
        List<Operation<Command, Response>> history = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            history.add(op(0, put("x", "v" + i), 10L * i, written(), 10L * i + 5));
        }
        history.add(op(1, get("x"), 2000, read("v3"), 2005));

        CheckResult<Command, Response> result = LinearizabilityChecker.check(REGISTER, history, GENEROUS);

        assertThat(result.verdict()).isEqualTo(Verdict.ILLEGAL);
        assertThat(result.counterexample().orElseThrow().longestPrefix()).hasSize(100);
        assertThat(result.explain()).contains("85 earlier operations not shown").contains("100. client 0");
        assertThat(result.explain().lines().count()).isLessThan(30);
    }

    @Test
    void noTimeAtAllGivesNoVerdict() {
        CheckResult<Command, Response> result = LinearizabilityChecker.check(REGISTER,
                List.of(op(0, put("x", "1"), 0, written(), 1)), Duration.ZERO);

        assertThat(result.verdict()).isEqualTo(Verdict.UNKNOWN);
        assertThat(result.isLinearizable()).isFalse();
        assertThat(result.explain()).contains("UNKNOWN");
    }

    /** A sum: "add n" (outcome unknown here) and "read" answering the sum; no shortcut applies to it. */
    private static final class SumModel implements Model<Long, Long, Long> {
        @Override
        public Long init() {
            return 0L;
        }

        @Override
        public List<Long> step(Long sum, Long add, Long output) {
            if (add != 0) {
                return List.of(sum + add);
            }
            return output == null || output.equals(sum) ? List.of(sum) : List.of();
        }
    }

    @Test
    void aSearchThatCannotFinishInTimeGivesNoVerdict() {
        // Thirty additions of unknown outcome, every subset with a different sum, and a read of a sum none of them
        // makes: the search has to try all 2^30 subsets before the read, so it cannot end before the deadline.
        List<Operation<Long, Long>> history = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            history.add(Operation.pending(i, 1L << i, i));
        }
        history.add(new Operation<>(99, 0L, 100, -1L, 110));

        CheckResult<Long, Long> result = LinearizabilityChecker.check(new SumModel(), history,
                Duration.ofMillis(100));

        assertThat(result.verdict()).isEqualTo(Verdict.UNKNOWN);
        assertThat(result.counterexample()).isEmpty();
    }

    @Test
    void anOperationCannotReturnBeforeItIsCalledNorReturnWithoutAnOutput() {
        assertThatThrownBy(() -> op(0, get("x"), 10, absent(), 9)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> op(0, get("x"), 10, null, 11)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> op(0, get("x"), 10, absent(), Operation.NEVER_RETURNED))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
