package dev.cairn.kvnode.testing.linearizability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.kvnode.testing.linearizability.RegisterModel.Command;
import dev.cairn.kvnode.testing.linearizability.RegisterModel.Get;
import dev.cairn.kvnode.testing.linearizability.RegisterModel.Put;
import dev.cairn.kvnode.testing.linearizability.RegisterModel.Response;
import java.util.Optional;

/**
 * Register histories recorded against a true register (linearizable by construction), and the same with one read
 * made stale (illegal by construction). Replay one seed with {@code -Dlin.seed=N}.
 */
class GeneratedRegisterHistoriesTest extends GeneratedHistoriesContract<RegisterModel.Register, Command, Response> {
    @Override
    Model<RegisterModel.Register, Command, Response> model() {
        return new RegisterModel();
    }

    @Override
    HistoryGenerator.SequentialStore<Command, Response> referenceStore(int keys) {
        return new ReferenceRegisterStore(keys);
    }

    @Override
    StaleReadMutation.Reading<Command, Response> reading() {
        return new RegisterReading();
    }

    /** The counterexample names the failing partition, which must be the stale read's. */
    @Override
    void checkCounterexample(Counterexample<Command, Response> counterexample, Operation<Command, Response> staleRead,
            String context) {
        assertThat(counterexample.partition()).as(context).contains(staleRead);
    }

    /** Register operations as {@link StaleReadMutation} needs to see them. */
    static final class RegisterReading implements StaleReadMutation.Reading<Command, Response> {
        @Override
        public String key(Command input) {
            return input.key();
        }

        @Override
        public boolean isRead(Operation<Command, Response> operation) {
            return !operation.isPending() && operation.input() instanceof Get;
        }

        @Override
        public boolean overwrites(Operation<Command, Response> operation) {
            return !operation.isPending() && !(operation.input() instanceof Get);
        }

        @Override
        public boolean setsValue(Operation<Command, Response> operation) {
            return !operation.isPending() && operation.input() instanceof Put;
        }

        @Override
        public Response staleAnswer(Operation<Command, Response> read, Operation<Command, Response> write) {
            return RegisterModel.read(((Put) write.input()).value());
        }
    }
}
