package dev.cairn.kvnode.raft;

import dev.cairn.kvnode.testing.linearizability.CheckResult;
import dev.cairn.kvnode.testing.linearizability.LinearizabilityChecker;
import dev.cairn.kvnode.testing.linearizability.Operation;
import dev.cairn.kvnode.testing.linearizability.RegisterModel;
import java.time.Duration;
import java.util.List;

/**
 * Checks a simulation's client history for linearizability: one register per key, every put of a unique value. A
 * put whose outcome the client never learned may or may not have happened; reads that never answered were not
 * recorded.
 */
final class SimHistoryCheck {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private SimHistoryCheck() {
    }

    static List<String> violations(List<SimOperation> history) {
        List<Operation<RegisterModel.Command, RegisterModel.Response>> operations = history.stream()
                .map(SimHistoryCheck::toOperation).toList();
        CheckResult<RegisterModel.Command, RegisterModel.Response> result =
                LinearizabilityChecker.check(new RegisterModel(), operations, TIMEOUT);
        return switch (result.verdict()) {
            case OK -> List.of();
            case ILLEGAL -> List.of("linearizability: the client history is not linearizable\n" + result.explain());
            case UNKNOWN -> List.of("linearizability: undecided within " + TIMEOUT + "\n" + result.explain());
        };
    }

    private static Operation<RegisterModel.Command, RegisterModel.Response> toOperation(SimOperation op) {
        if (op.isPut()) {
            RegisterModel.Command put = RegisterModel.put(op.key(), op.value());
            return op.completed()
                    ? new Operation<>(op.client(), put, op.call(), RegisterModel.written(), op.returned())
                    : Operation.pending(op.client(), put, op.call());
        }
        RegisterModel.Response read = op.value() == null ? RegisterModel.absent() : RegisterModel.read(op.value());
        return new Operation<>(op.client(), RegisterModel.get(op.key()), op.call(), read, op.returned());
    }
}
