package dev.cairn.kvnode.raft;

import dev.cairn.kvnode.raft.pb.Message;
import dev.cairn.kvnode.raft.pb.MessageType;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;

/**
 * The simulated network: every message gets a delivery time; it may be dropped, duplicated, delayed (and so
 * reordered), or blocked by a partition (per direction, so partitions can be asymmetric). Deterministic for a seed.
 */
final class SimNetwork {
    private record InFlight(long deliverAt, long sequence, Message message) {
    }

    private final Random random;
    private final PriorityQueue<InFlight> inFlight = new PriorityQueue<>((a, b) -> a.deliverAt != b.deliverAt
            ? Long.compare(a.deliverAt, b.deliverAt) : Long.compare(a.sequence, b.sequence));
    /** Blocked directions, as "from->to". */
    private final Set<Long> blocked = new HashSet<>();
    private long sequence;
    double dropRate;
    double duplicateRate;
    int minDelay = 1;
    int maxDelay = 10;
    /** Chance of a long delay (a message overtaken by many later ones). */
    double straggleRate;

    SimNetwork(Random random) {
        this.random = random;
    }

    /**
     * Sends a message. Snapshots travel as a real transport sends them, on a stream of their own: not dropped or
     * duplicated at random, but blocked by partitions; the caller learns the outcome from {@link #due}.
     */
    void send(long now, Message message) {
        boolean snapshot = message.type() == MessageType.SNAP;
        if (!snapshot && (isBlocked(message.from(), message.to()) || random.nextDouble() < dropRate)) {
            return;
        }
        enqueue(now, message);
        // Raft's own messages are safe to deliver twice; a forwarded proposal is not — the command would be appended
        // twice. A real transport (a TCP stream) never delivers one message twice, so proposals are not duplicated.
        if (!snapshot && message.type() != MessageType.PROP && random.nextDouble() < duplicateRate) {
            enqueue(now, message);
        }
    }

    private void enqueue(long now, Message message) {
        int delay = minDelay + random.nextInt(Math.max(1, maxDelay - minDelay + 1));
        if (random.nextDouble() < straggleRate) {
            delay += random.nextInt(30 * maxDelay + 1);
        }
        inFlight.add(new InFlight(now + delay, sequence++, message));
    }

    /**
     * Messages due by {@code now}; a partition that arose while a message was in flight blocks it too. Blocked
     * snapshots are returned with {@code blocked} set, so the sender can be told the transfer failed.
     */
    List<Delivery> due(long now) {
        List<Delivery> ready = new ArrayList<>();
        while (!inFlight.isEmpty() && inFlight.peek().deliverAt <= now) {
            Message message = inFlight.poll().message;
            boolean blockedNow = isBlocked(message.from(), message.to());
            if (!blockedNow || message.type() == MessageType.SNAP) {
                ready.add(new Delivery(message, blockedNow));
            }
        }
        return ready;
    }

    record Delivery(Message message, boolean blocked) {
    }

    void block(long from, long to) {
        blocked.add(key(from, to));
    }

    void isolate(Set<Long> side, Set<Long> all) {
        for (long a : side) {
            for (long b : all) {
                if (!side.contains(b)) {
                    block(a, b);
                    block(b, a);
                }
            }
        }
    }

    void heal() {
        blocked.clear();
    }

    /** Restores every link of one node, leaving other partitions in place. */
    void reconnect(long node, Set<Long> all) {
        for (long other : all) {
            blocked.remove(key(node, other));
            blocked.remove(key(other, node));
        }
    }

    boolean isPartitioned() {
        return !blocked.isEmpty();
    }

    private boolean isBlocked(long from, long to) {
        return blocked.contains(key(from, to));
    }

    private static long key(long from, long to) {
        return from * 1_000_003L + to;
    }
}
