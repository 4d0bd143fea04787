package dev.cairn.kvnode.raft;

import dev.cairn.kvnode.raft.pb.ConfChange;
import dev.cairn.kvnode.raft.pb.ConfChangeCodec;
import dev.cairn.kvnode.raft.pb.ConfState;
import dev.cairn.kvnode.raft.pb.Entry;
import dev.cairn.kvnode.raft.pb.EntryType;
import dev.cairn.kvnode.raft.pb.Message;
import dev.cairn.kvnode.raft.pb.MessageType;
import dev.cairn.kvnode.raft.pb.SnapshotMetadata;
import dev.cairn.kvnode.raft.pb.Snapshot;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * One simulated member: a {@link RawNode} driven exactly as the real node loop drives it (persist, then send, then
 * apply, then advance), over a {@link MemoryStorage} that stands for its disk. A crash throws away the RawNode and
 * everything not yet persisted; the application state is rebuilt from the snapshot and the log on restart.
 */
final class SimNode {
    /** What the cluster-wide checks need to see of each node. */
    interface Observer {
        void persisted(SimNode node, List<Entry> appended);

        void applied(SimNode node, Entry entry);

        void readReady(SimNode node, ReadState read);

        void sent(SimNode node, Message message);
    }

    /** Where a crash strikes while a Ready is being handled. */
    enum CrashPoint {
        NONE,
        BEFORE_PERSIST,
        AFTER_PERSIST,
        AFTER_SEND
    }

    static final int SNAPSHOT_EVERY = 40;
    static final int ENTRIES_KEPT_AFTER_SNAPSHOT = 5;

    final long id;
    final MemoryStorage storage;
    private final RaftConfig template;
    private final Random random;
    RawNode node;
    /** The application's state: the register of every key. */
    final Map<String, String> kv = new TreeMap<>();
    long appliedIndex;
    boolean sendBeforePersist;
    boolean applyConfChangeWhenProposed;
    boolean removed;
    private boolean removalApplied;

    SimNode(long id, MemoryStorage storage, RaftConfig template, Random random) {
        this.id = id;
        this.storage = storage;
        this.template = template;
        this.random = random;
    }

    boolean isUp() {
        return node != null;
    }

    void start(List<PlantedBug> bugs) {
        removalApplied = false;
        Snapshot snapshot = storage.snapshot();
        kv.clear();
        kv.putAll(decodeState(snapshot.data()));
        appliedIndex = snapshot.index();
        node = new RawNode(new RaftConfig(id, template.electionTick(), template.heartbeatTick(), storage,
                appliedIndex, template.maxSizePerMsg(), template.maxCommittedSizePerReady(),
                template.maxUncommittedEntriesSize(), template.maxInflightMsgs(), template.maxInflightBytes(),
                template.checkQuorum(), template.preVote(), template.readOnlyOption(),
                template.disableProposalForwarding(), template.stepDownOnRemoval(), new Random(random.nextLong())));
        bugs.forEach(node::plant);
    }

    void crash() {
        node = null;
    }

    void proposeConfChange(ConfChange change) {
        node.proposeConfChange(change);
        if (applyConfChangeWhenProposed) {
            // Planted bug: the change takes effect on the proposer before it is committed.
            node.applyConfChange(change);
        }
    }

    /** Handles every Ready the node has; returns false when the crash struck (the node is then down). */
    boolean drain(Observer observer, CrashPoint crashAt) {
        while (node != null && node.hasReady()) {
            Ready ready = node.ready();
            if (crashAt == CrashPoint.BEFORE_PERSIST) {
                crash();
                return false;
            }
            if (sendBeforePersist) {
                // Planted bug: messages leave before what they acknowledge is durable.
                ready.messages().forEach(m -> observer.sent(this, outgoing(m)));
                if (crashAt == CrashPoint.AFTER_PERSIST || crashAt == CrashPoint.AFTER_SEND) {
                    crash();
                    return false;
                }
                persist(ready, observer);
            } else {
                persist(ready, observer);
                if (crashAt == CrashPoint.AFTER_PERSIST) {
                    crash();
                    return false;
                }
                ready.messages().forEach(m -> observer.sent(this, outgoing(m)));
                if (crashAt == CrashPoint.AFTER_SEND) {
                    crash();
                    return false;
                }
            }
            apply(ready, observer);
            node.advance(ready);
            ready.readStates().forEach(read -> observer.readReady(this, read));
            maybeSnapshot();
        }
        return true;
    }

    /**
     * A snapshot goes out as the application's current applied state, as etcd's server sends it: newer than the
     * stored one, and under the configuration in force now — which includes the member being caught up.
     */
    private Message outgoing(Message message) {
        if (message.type() != MessageType.SNAP) {
            return message;
        }
        Snapshot current = new Snapshot(encodeState(kv), new SnapshotMetadata(node.confState(), appliedIndex,
                storage.term(appliedIndex)));
        return message.toBuilder().snapshot(current).build();
    }

    private void persist(Ready ready, Observer observer) {
        if (ready.hasSnapshot()) {
            storage.applySnapshot(ready.snapshot());
            kv.clear();
            kv.putAll(decodeState(ready.snapshot().data()));
            appliedIndex = ready.snapshot().index();
        }
        storage.append(ready.entries());
        if (ready.hardState() != null) {
            storage.setHardState(ready.hardState());
        }
        observer.persisted(this, ready.entries());
    }

    private void apply(Ready ready, Observer observer) {
        for (Entry entry : ready.committedEntries()) {
            if (entry.index() <= appliedIndex) {
                continue;
            }
            if (entry.type() == EntryType.CONF_CHANGE) {
                ConfChange change = ConfChangeCodec.decode(entry.data());
                ConfState state = node.applyConfChange(change);
                // Removed: a change removed this node, and the configuration in force no longer includes it (for a
                // joint change, once the joint configuration is left).
                removalApplied |= change.changes().contains(new ConfChange.Single(ConfChange.Type.REMOVE, id));
                if (removalApplied && !state.includes(id)) {
                    removed = true;
                }
            } else if (entry.data().length > 0) {
                SimCommand command = SimCommand.decode(entry.data());
                kv.put(command.key(), command.value());
            }
            appliedIndex = entry.index();
            observer.applied(this, entry);
        }
    }

    private void maybeSnapshot() {
        if (appliedIndex - storage.snapshot().index() < SNAPSHOT_EVERY) {
            return;
        }
        storage.createSnapshot(appliedIndex, node.confState(), encodeState(kv));
        long compactTo = appliedIndex - ENTRIES_KEPT_AFTER_SNAPSHOT;
        if (compactTo > storage.firstIndex()) {
            storage.compact(compactTo);
        }
    }

    static byte[] encodeState(Map<String, String> state) {
        StringBuilder text = new StringBuilder();
        state.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    static Map<String, String> decodeState(byte[] data) {
        Map<String, String> state = new TreeMap<>();
        for (String line : new String(data, StandardCharsets.UTF_8).split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                state.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return state;
    }

    List<Entry> durableLog() {
        long first = storage.firstIndex();
        long last = storage.lastIndex();
        return last < first ? new ArrayList<>() : storage.entries(first, last + 1, Long.MAX_VALUE);
    }

    @Override
    public String toString() {
        return "n" + id + (node == null ? "(down)" : "");
    }
}
