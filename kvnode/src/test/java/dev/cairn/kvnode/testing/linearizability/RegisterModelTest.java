package dev.cairn.kvnode.testing.linearizability;

import static dev.cairn.kvnode.testing.linearizability.RegisterModel.absent;
import static dev.cairn.kvnode.testing.linearizability.RegisterModel.delete;
import static dev.cairn.kvnode.testing.linearizability.RegisterModel.get;
import static dev.cairn.kvnode.testing.linearizability.RegisterModel.put;
import static dev.cairn.kvnode.testing.linearizability.RegisterModel.read;
import static dev.cairn.kvnode.testing.linearizability.RegisterModel.written;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.kvnode.testing.linearizability.RegisterModel.Command;
import dev.cairn.kvnode.testing.linearizability.RegisterModel.Register;
import dev.cairn.kvnode.testing.linearizability.RegisterModel.Response;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The register's sequential rules, one step at a time. */
class RegisterModelTest {
    private final RegisterModel model = new RegisterModel();
    private final Register one = new Register(Optional.of("1"));

    @Test
    void startsAbsent() {
        assertThat(model.init()).isEqualTo(new Register(Optional.empty()));
    }

    @Test
    void aPutReplacesTheValueAndADeleteRemovesIt() {
        assertThat(model.step(model.init(), put("x", "1"), written())).containsExactly(one);
        assertThat(model.step(one, put("x", "2"), written())).containsExactly(new Register(Optional.of("2")));
        assertThat(model.step(one, delete("x"), written())).containsExactly(model.init());
        assertThat(model.step(model.init(), delete("x"), written())).containsExactly(model.init());
    }

    @Test
    void aGetMustAnswerTheCurrentValue() {
        assertThat(model.step(one, get("x"), read("1"))).containsExactly(one);
        assertThat(model.step(one, get("x"), read("2"))).isEmpty();
        assertThat(model.step(one, get("x"), absent())).isEmpty();
        assertThat(model.step(model.init(), get("x"), absent())).containsExactly(model.init());
    }

    @Test
    void anUnknownOutcomeIsAcceptedAsIfTheOperationTookEffect() {
        assertThat(model.step(model.init(), put("x", "1"), null)).containsExactly(one);
        assertThat(model.step(one, delete("x"), null)).containsExactly(model.init());
        assertThat(model.step(one, get("x"), null)).containsExactly(one);
    }

    @Test
    void aResponseOfTheWrongKindIsARecordingBug() {
        assertThatThrownBy(() -> model.step(one, get("x"), written())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> model.step(one, put("x", "2"), read("1")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void partitionsByKeyKeepingEachKeysOrder() {
        Operation<Command, Response> x1 = new Operation<>(0, put("x", "1"), 0, written(), 1);
        Operation<Command, Response> y1 = new Operation<>(1, get("y"), 0, absent(), 1);
        Operation<Command, Response> x2 = new Operation<>(2, get("x"), 2, read("1"), 3);

        assertThat(model.partition(List.of(x1, y1, x2))).containsExactly(List.of(x1, x2), List.of(y1));
    }

    @Test
    void simplifyDropsPendingWritesNoLaterReadCouldHaveSeen() {
        Operation<Command, Response> early = new Operation<>(0, get("x"), 0, read("1"), 5);
        Operation<Command, Response> lostPut = Operation.pending(1, put("x", "1"), 10);
        Operation<Command, Response> lostDelete = Operation.pending(1, delete("x"), 20);
        Operation<Command, Response> lastRead = new Operation<>(2, get("x"), 30, read("2"), 40);

        assertThat(model.simplify(List.of(early, lostPut, lostDelete, lastRead))).containsExactly(early, lastRead);
    }

    @Test
    void simplifyKeepsAPendingDeleteALaterReadOfAbsentMayHaveSeen() {
        Operation<Command, Response> lostDelete = Operation.pending(1, delete("x"), 20);
        Operation<Command, Response> read = new Operation<>(2, get("x"), 30, absent(), 40);

        assertThat(model.simplify(List.of(lostDelete, read))).containsExactly(lostDelete, read);
    }

    @Test
    void simplifySettlesASeenPendingPutWhenValuesAreUnique() {
        Operation<Command, Response> lostPut = Operation.pending(1, put("x", "1"), 10);
        Operation<Command, Response> firstSight = new Operation<>(2, get("x"), 30, read("1"), 40);
        Operation<Command, Response> laterSight = new Operation<>(3, get("x"), 35, read("1"), 50);

        assertThat(model.simplify(List.of(lostPut, laterSight, firstSight))).containsExactly(
                new Operation<>(1, put("x", "1"), 10, written(), 40), laterSight, firstSight);
    }

    @Test
    void simplifyDoesNotSettleWhenAValueIsPutTwice() {
        Operation<Command, Response> lostPut = Operation.pending(1, put("x", "1"), 10);
        Operation<Command, Response> samePut = new Operation<>(0, put("x", "1"), 0, written(), 5);
        Operation<Command, Response> sight = new Operation<>(2, get("x"), 30, read("1"), 40);

        assertThat(model.simplify(List.of(samePut, lostPut, sight))).containsExactly(samePut, lostPut, sight);
    }

    @Test
    void onlyGetsAreReadOnly() {
        assertThat(model.isReadOnly(get("x"))).isTrue();
        assertThat(model.isReadOnly(put("x", "1"))).isFalse();
        assertThat(model.isReadOnly(delete("x"))).isFalse();
    }

    @Test
    void describesOperationsAndStatesReadably() {
        assertThat(model.describeOperation(put("x", "1"), written())).isEqualTo("put(x, \"1\") -> ok");
        assertThat(model.describeOperation(get("x"), absent())).isEqualTo("get(x) -> absent");
        assertThat(model.describeOperation(delete("x"), null)).isEqualTo("delete(x) -> unknown outcome");
        assertThat(model.describeState(one)).isEqualTo("\"1\"");
    }
}
