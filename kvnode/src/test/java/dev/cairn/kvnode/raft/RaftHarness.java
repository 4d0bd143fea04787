package dev.cairn.kvnode.raft;

import dev.cairn.kvnode.raft.pb.ConfChange;
import dev.cairn.kvnode.raft.pb.ConfChangeCodec;
import dev.cairn.kvnode.raft.pb.Entry;
import dev.cairn.kvnode.raft.pb.EntryType;
import dev.cairn.kvnode.raft.pb.Message;
import dev.cairn.kvnode.raft.pb.MessageType;
import dev.cairn.kvnode.raft.pb.StateRole;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * A scripted cluster for scenario tests: messages are delivered only when the test says so, in order, and may be
 * filtered (cut links, isolated nodes, dropped types). Each node's Readys are handled as the node loop does:
 * persist, send (to the harness's queue), apply (membership changes included), advance.
 */
final class RaftHarness {
    final Map<Long, MemoryStorage> storages = new TreeMap<>();
    final Map<Long, RawNode> nodes = new TreeMap<>();
    final Map<Long, List<Entry>> applied = new TreeMap<>();
    final Map<Long, List<ReadState>> readStates = new TreeMap<>();
    private final Deque<Message> queue = new ArrayDeque<>();
    private final Set<String> cut = new HashSet<>();
    private final List<Predicate<Message>> dropRules = new ArrayList<>();
    private final List<BiConsumer<Long, Ready>> readyObservers = new ArrayList<>();
    private final List<Consumer<Message>> messageWatchers = new ArrayList<>();
    private final UnaryOperator<RaftConfig> configure;

    RaftHarness(int size) {
        this(size, UnaryOperator.identity());
    }

    /** A new cluster of {@code size} voters, ids 1..size, each started with {@code configure}d defaults. */
    RaftHarness(int size, UnaryOperator<RaftConfig> configure) {
        this.configure = configure;
        List<Long> voters = new ArrayList<>();
        for (long id = 1; id <= size; id++) {
            voters.add(id);
        }
        for (long id : voters) {
            storages.put(id, MemoryStorage.bootstrap(voters));
            create(id);
        }
        settleAll();
    }

    /**
     * Starts (or restarts, after {@link #crash}) a node on its storage, and lets it apply what it has committed —
     * its configuration among it: before that it may not campaign.
     */
    RawNode start(long id) {
        RawNode node = create(id);
        settle(id);
        return node;
    }

    private RawNode create(long id) {
        MemoryStorage storage = storages.computeIfAbsent(id, k -> new MemoryStorage());
        RaftConfig config = configure.apply(RaftConfig.defaults(id, storage, new Random(id))
                .withApplied(storage.snapshot().index()));
        RawNode node = new RawNode(config);
        nodes.put(id, node);
        applied.computeIfAbsent(id, k -> new ArrayList<>());
        readStates.computeIfAbsent(id, k -> new ArrayList<>());
        return node;
    }

    /** Loses everything the node had not persisted. */
    void crash(long id) {
        nodes.remove(id);
    }

    RawNode node(long id) {
        return nodes.get(id);
    }

    Raft raft(long id) {
        return nodes.get(id).raft();
    }

    void campaign(long id) {
        nodes.get(id).campaign();
        settle(id);
        deliverAll();
    }

    void propose(long id, String data) {
        nodes.get(id).propose(data.getBytes(StandardCharsets.UTF_8));
        settle(id);
        deliverAll();
    }

    void proposeAll(long id, List<String> data) {
        nodes.get(id).proposeAll(data.stream().map(d -> d.getBytes(StandardCharsets.UTF_8)).toList());
        settle(id);
        deliverAll();
    }

    void proposeConfChange(long id, ConfChange change) {
        nodes.get(id).proposeConfChange(change);
        settle(id);
        deliverAll();
    }

    void tick(long id, int times) {
        for (int i = 0; i < times; i++) {
            nodes.get(id).tick();
            settle(id);
        }
    }

    /** Ticks every live node, {@code times} times, delivering messages after each round. */
    void tickAll(int times) {
        for (int i = 0; i < times; i++) {
            for (long id : List.copyOf(nodes.keySet())) {
                nodes.get(id).tick();
                settle(id);
            }
            deliverAll();
        }
    }

    void isolate(long id) {
        for (long other : storages.keySet()) {
            if (other != id) {
                cut(id, other);
            }
        }
    }

    void cut(long a, long b) {
        cut.add(a + ">" + b);
        cut.add(b + ">" + a);
    }

    void heal() {
        cut.clear();
        dropRules.clear();
    }

    void drop(Predicate<Message> rule) {
        dropRules.add(rule);
    }

    /** Delivers queued messages (and those they cause) until none is left. */
    void deliverAll() {
        while (!queue.isEmpty()) {
            deliver(queue.pollFirst());
        }
    }

    /** Takes every queued message out without delivering it, for tests that deliver by hand. */
    List<Message> takeQueued() {
        List<Message> taken = new ArrayList<>(queue);
        queue.clear();
        return taken;
    }

    void deliver(Message message) {
        messageWatchers.forEach(watcher -> watcher.accept(message));
        RawNode target = nodes.get(message.to());
        if (target == null || cut.contains(message.from() + ">" + message.to())
                || dropRules.stream().anyMatch(rule -> rule.test(message))) {
            return;
        }
        target.step(message);
        settle(message.to());
    }

    void settleAll() {
        for (long id : List.copyOf(nodes.keySet())) {
            settle(id);
        }
        deliverAll();
    }

    /** Handles every Ready of a node as the node loop does. */
    void settle(long id) {
        RawNode node = nodes.get(id);
        MemoryStorage storage = storages.get(id);
        while (node.hasReady()) {
            Ready ready = node.ready();
            if (ready.hasSnapshot()) {
                storage.applySnapshot(ready.snapshot());
            }
            storage.append(ready.entries());
            if (ready.hardState() != null) {
                storage.setHardState(ready.hardState());
            }
            for (BiConsumer<Long, Ready> observer : readyObservers) {
                observer.accept(id, ready);
            }
            queue.addAll(ready.messages());
            for (Entry entry : ready.committedEntries()) {
                if (entry.type() == EntryType.CONF_CHANGE) {
                    node.applyConfChange(ConfChangeCodec.decode(entry.data()));
                }
                applied.get(id).add(entry);
            }
            readStates.get(id).addAll(ready.readStates());
            node.advance(ready);
        }
    }

    /**
     * Calls {@code observer} with every Ready a node handles from now on, once its snapshot, entries and hard state
     * are persisted and before its messages are sent and its committed entries applied.
     */
    void onPersisted(BiConsumer<Long, Ready> observer) {
        readyObservers.add(observer);
    }

    /**
     * Records, from now on, every message matching {@code filter} that is delivered or lost on the way (cut links
     * and drop rules do not hide it from the record); {@link #heal} does not end the recording.
     */
    List<Message> watch(Predicate<Message> filter) {
        List<Message> seen = new ArrayList<>();
        messageWatchers.add(m -> {
            if (filter.test(m)) {
                seen.add(m);
            }
        });
        return seen;
    }

    /** Asks {@code id} for a read index with the given request context, and delivers what follows. */
    void readIndex(long id, String context) {
        nodes.get(id).readIndex(context.getBytes(StandardCharsets.UTF_8));
        settle(id);
        deliverAll();
    }

    /** Asks the leader {@code leader} to hand leadership to {@code transferee}, and delivers what follows. */
    void transferLeadership(long leader, long transferee) {
        nodes.get(leader).transferLeadership(transferee);
        settle(leader);
        deliverAll();
    }

    /** The read states a node received, in order (a method: readStates.get(2) would look up an Integer key). */
    List<ReadState> reads(long id) {
        return readStates.get(id);
    }

    /** The request contexts of the read states a node received, as strings, in order. */
    List<String> readContexts(long id) {
        return readStates.get(id).stream().map(r -> new String(r.requestContext(), StandardCharsets.UTF_8)).toList();
    }

    long leader() {
        return nodes.entrySet().stream().filter(e -> e.getValue().raft().state == StateRole.LEADER)
                .mapToLong(Map.Entry::getKey).max().orElse(0);
    }

    /** The data of the normal entries a node applied, as strings. */
    List<String> appliedData(long id) {
        return applied.get(id).stream().filter(e -> e.type() == EntryType.NORMAL && e.data().length > 0)
                .map(e -> new String(e.data(), StandardCharsets.UTF_8)).toList();
    }

    static Predicate<Message> ofType(MessageType type) {
        return m -> m.type() == type;
    }
}
