package dev.cairn.kvnode.server;

import java.util.ArrayList;
import java.util.List;

/**
 * Proposals the node loop collected and has not yet handed to Raft, in arrival order. The loop proposes them together
 * once per turn: Raft then appends them as one batch and sends each follower one append and gets one
 * acknowledgement for all of them, where one proposal at a time cost an append, an acknowledgement and often a
 * commit update per proposal and follower. Loop-thread state; not thread-safe.
 */
final class ProposalBatch {
    /** Proposals handed to Raft as one: their waiter ids and their encoded requests, in the same order. */
    record Batch(long[] ids, List<byte[]> data) {
    }

    private final List<Long> ids = new ArrayList<>();
    private final List<byte[]> data = new ArrayList<>();

    void add(long proposalId, byte[] request) {
        ids.add(proposalId);
        data.add(request);
    }

    boolean isEmpty() {
        return ids.isEmpty();
    }

    /**
     * Takes everything collected, cut into batches of at most {@code maxBytes} of requests each (a larger request
     * goes alone), so that a proposal a follower passes on to its leader stays one bounded peer message.
     */
    List<Batch> drain(long maxBytes) {
        List<Batch> batches = new ArrayList<>();
        int start = 0;
        long bytes = 0;
        for (int i = 0; i < data.size(); i++) {
            int size = data.get(i).length;
            if (i > start && bytes + size > maxBytes) {
                batches.add(batch(start, i));
                start = i;
                bytes = 0;
            }
            bytes += size;
        }
        if (start < data.size()) {
            batches.add(batch(start, data.size()));
        }
        ids.clear();
        data.clear();
        return batches;
    }

    private Batch batch(int from, int to) {
        long[] batchIds = new long[to - from];
        for (int i = from; i < to; i++) {
            batchIds[i - from] = ids.get(i);
        }
        return new Batch(batchIds, List.copyOf(data.subList(from, to)));
    }
}
