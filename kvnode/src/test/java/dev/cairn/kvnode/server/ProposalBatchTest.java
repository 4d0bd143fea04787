package dev.cairn.kvnode.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ProposalBatchTest {

    @Test
    void drainKeepsArrivalOrderAndCutsBatchesAtTheByteLimit() {
        ProposalBatch proposals = new ProposalBatch();
        proposals.add(1, new byte[4]);
        proposals.add(2, new byte[4]);
        proposals.add(3, new byte[4]); // 12 bytes: over a 10-byte limit, so it starts the next batch
        proposals.add(4, new byte[25]); // larger than the limit: alone
        proposals.add(5, new byte[1]);

        List<ProposalBatch.Batch> batches = proposals.drain(10);

        assertThat(batches).extracting(batch -> batch.ids().length).containsExactly(2, 1, 1, 1);
        assertThat(batches.get(0).ids()).containsExactly(1, 2);
        assertThat(batches.get(1).ids()).containsExactly(3);
        assertThat(batches.get(2).ids()).containsExactly(4);
        assertThat(batches.get(2).data()).singleElement().satisfies(data -> assertThat(data).hasSize(25));
        assertThat(batches.get(3).ids()).containsExactly(5);
        assertThat(proposals.isEmpty()).isTrue();
        assertThat(proposals.drain(10)).isEmpty();
    }

    @Test
    void everythingThatFitsGoesInOneBatch() {
        ProposalBatch proposals = new ProposalBatch();
        for (int i = 0; i < 64; i++) {
            proposals.add(i, new byte[100]);
        }

        List<ProposalBatch.Batch> batches = proposals.drain(1 << 20);

        assertThat(batches).singleElement().satisfies(batch -> {
            assertThat(batch.ids()).hasSize(64).startsWith(0, 1).endsWith(63);
            assertThat(batch.data()).hasSize(64);
        });
    }
}
