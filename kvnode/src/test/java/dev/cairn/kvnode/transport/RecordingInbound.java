package dev.cairn.kvnode.transport;

import dev.cairn.kvnode.raft.pb.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/** What a test member's transport delivered, in order; a hook may run (or block) inside each delivery. */
final class RecordingInbound implements Inbound {
    record SnapshotStatus(long peer, boolean failed) {
    }

    private final List<Message> received = new CopyOnWriteArrayList<>();
    private final Map<Long, AtomicInteger> unreachable = new ConcurrentHashMap<>();
    private final List<SnapshotStatus> snapshotStatuses = new CopyOnWriteArrayList<>();
    private final AtomicInteger removals = new AtomicInteger();
    private volatile Consumer<Message> onReceive = message -> { };

    @Override
    public void receive(Message message) {
        onReceive.accept(message);
        received.add(message);
    }

    @Override
    public void unreachable(long peer) {
        unreachable.computeIfAbsent(peer, p -> new AtomicInteger()).incrementAndGet();
    }

    @Override
    public void snapshotStatus(long peer, boolean failed) {
        snapshotStatuses.add(new SnapshotStatus(peer, failed));
    }

    @Override
    public void removedFromCluster() {
        removals.incrementAndGet();
    }

    void onReceive(Consumer<Message> hook) {
        onReceive = hook;
    }

    List<Message> received() {
        return List.copyOf(received);
    }

    List<Message> receivedFrom(long peer) {
        List<Message> from = new ArrayList<>();
        for (Message message : received) {
            if (message.from() == peer) {
                from.add(message);
            }
        }
        return from;
    }

    int unreachableReports(long peer) {
        AtomicInteger count = unreachable.get(peer);
        return count == null ? 0 : count.get();
    }

    List<SnapshotStatus> snapshotStatuses() {
        return List.copyOf(snapshotStatuses);
    }

    int removals() {
        return removals.get();
    }
}
