package dev.cairn.kvnode.raft;

import dev.cairn.kvnode.raft.pb.Message;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The leader's read-index requests awaiting confirmation by a heartbeat round (ReadOnlyOption.SAFE).
 *
 * <p>Each request gets a sequence number from this leader, and heartbeats carry the newest one. A follower's ack
 * of sequence s can only come from a heartbeat sent after every request up to s was registered, so it confirms
 * them all. The numbers are the leader's own and only ever grow, never the client's context: a delayed ack of an
 * old heartbeat can never confirm a newer read (etcd-io/etcd#20418, scenario R-15).
 */
final class ReadIndexQueue {
    private final Map<Long, Pending> pending = new LinkedHashMap<>();
    private long nextSequence = 1;

    /** A read request, the commit index when it arrived, and the voters that confirmed the leadership since. */
    record Pending(Message request, long index, Set<Long> acks) {
    }

    /** Registers a request; returns the sequence number its confirming heartbeats must carry. */
    long add(long committedIndex, Message request) {
        long sequence = nextSequence++;
        pending.put(sequence, new Pending(request, committedIndex, new HashSet<>()));
        return sequence;
    }

    /** The newest sequence awaiting confirmation, 0 when none. */
    long lastSequence() {
        long last = 0;
        for (long sequence : pending.keySet()) {
            last = sequence;
        }
        return last;
    }

    /** Records that {@code voter} acknowledged a heartbeat carrying {@code sequence}. */
    void ack(long voter, long sequence) {
        pending.forEach((s, p) -> {
            if (s <= sequence) {
                p.acks.add(voter);
            }
        });
    }

    /** Removes and returns, oldest first, the requests up to the newest one whose acks satisfy {@code confirmed}. */
    List<Pending> releaseConfirmed(Predicate<Set<Long>> confirmed) {
        long newestConfirmed = 0;
        for (Map.Entry<Long, Pending> entry : pending.entrySet()) {
            if (confirmed.test(entry.getValue().acks)) {
                newestConfirmed = entry.getKey();
            }
        }
        List<Pending> released = new ArrayList<>();
        Iterator<Map.Entry<Long, Pending>> it = pending.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Long, Pending> entry = it.next();
            if (entry.getKey() > newestConfirmed) {
                break;
            }
            released.add(entry.getValue());
            it.remove();
        }
        return released;
    }

    void clear() {
        pending.clear();
    }
}
