package dev.cairn.kvnode.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;

class ProposalWaitsTest {
    private final List<Runnable> tasks = new ArrayList<>();
    /** Runs nothing until the test says so: shows how many hand-offs a flush makes and when futures complete. */
    private final Executor handOff = tasks::add;

    @Test
    void aBatchOfCompletionsIsOneHandOffAndNothingCompletesBeforeIt() {
        ProposalWaits waits = new ProposalWaits(100);
        long first = waits.nextId();
        long second = waits.nextId();
        CompletableFuture<Object> a = waits.register(first);
        CompletableFuture<Object> b = waits.register(second);

        waits.completeLater(first, "put 1");
        waits.completeLater(second, new IllegalStateException("refused"));
        assertThat(a).isNotDone();
        waits.flush(handOff);
        assertThat(tasks).hasSize(1);
        assertThat(a).isNotDone();

        tasks.get(0).run();
        assertThat(a).isCompletedWithValue("put 1");
        assertThat(b).isCompletedExceptionally();
        assertThat(waits.size()).isZero();
    }

    @Test
    void aFlushWithNothingCollectedHandsNothingOffAndCollectionStartsAfreshAfterEach() {
        ProposalWaits waits = new ProposalWaits(0);
        waits.flush(handOff);
        assertThat(tasks).isEmpty();

        long id = waits.nextId();
        CompletableFuture<Object> waiting = waits.register(id);
        waits.completeLater(id, 1);
        waits.flush(handOff);
        waits.flush(handOff);
        assertThat(tasks).hasSize(1);
        tasks.get(0).run();
        assertThat(waiting).isCompletedWithValue(1);
    }

    @Test
    void anEntryWhoseWaiterGaveUpCompletesNothing() {
        ProposalWaits waits = new ProposalWaits(0);
        long id = waits.nextId();
        waits.register(id).cancel(false);

        waits.completeLater(id, "late");
        waits.completeLater(12345, "replayed after a restart");
        waits.flush(handOff);
        assertThat(tasks).isEmpty();
    }
}
