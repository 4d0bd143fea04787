package dev.cairn.kvnode.raft;

import dev.cairn.kvnode.raft.pb.ConfChange;
import dev.cairn.kvnode.raft.pb.ConfState;
import dev.cairn.kvnode.raft.pb.Entry;
import dev.cairn.kvnode.raft.pb.EntryType;
import dev.cairn.kvnode.raft.pb.Message;
import dev.cairn.kvnode.raft.pb.MessageType;
import dev.cairn.kvnode.raft.pb.StateRole;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * A whole Raft cluster in one thread, driven by one seed: nodes tick and exchange messages over a faulty
 * {@link SimNetwork}; faults (partitions, crashes mid-Ready, restarts, membership changes) strike at random; clients
 * put and read. {@link SimInvariants} are checked after every step; at the end the network heals, every node
 * restarts, and the cluster must elect a leader and commit a proposal within a bound (liveness). The client history
 * is returned for a linearizability check.
 */
final class RaftSimulation {
    /** A simulated bug in the node loop (as opposed to one planted in the core). */
    enum LoopBug {
        SEND_BEFORE_PERSIST,
        CONF_CHANGE_APPLIED_WHEN_PROPOSED
    }

    /**
     * @param leaderChurn always depose new leaders quickly, send one entry per append and elect without pre-vote:
     *     a profile that lives in the windows where a leader has replicated only part of what it holds
     */
    record Options(int nodes, long duration, Set<PlantedBug> coreBugs, Set<LoopBug> loopBugs, boolean faults,
            boolean membershipChanges, boolean leaderChurn) {
        static Options standard(int nodes) {
            return new Options(nodes, 6_000, EnumSet.noneOf(PlantedBug.class), EnumSet.noneOf(LoopBug.class), true,
                    true, false);
        }

        static Options leaderChurn(int nodes) {
            return new Options(nodes, 4_000, EnumSet.noneOf(PlantedBug.class), EnumSet.noneOf(LoopBug.class), true,
                    false, true);
        }

        Options withCoreBug(PlantedBug bug) {
            return new Options(nodes, duration, EnumSet.of(bug), loopBugs, faults, membershipChanges, leaderChurn);
        }

        Options withLoopBug(LoopBug bug) {
            return new Options(nodes, duration, coreBugs, EnumSet.of(bug), faults, membershipChanges, leaderChurn);
        }
    }

    record Result(long seed, String setup, List<String> violations, List<String> trace, List<SimOperation> history,
            long steps, long commits) {
    }

    private static final int TICK_EVERY = 10;
    private static final int CLIENTS = 3;
    private static final long CLIENT_TIMEOUT = 600;
    private static final long LIVENESS_BOUND = 3_000;
    private static final int TRACE_LENGTH = Integer.getInteger("sim.trace", 300);
    /** -Dsim.verbose=true also traces every applied entry (for replaying one seed). */
    private static final boolean VERBOSE = Boolean.getBoolean("sim.verbose");
    private static final List<String> KEYS = List.of("a", "b", "c");

    private final long seed;
    private final Options options;
    private final Random random;
    private final SimNetwork network;
    private final SimInvariants invariants = new SimInvariants();
    private final TreeMap<Long, SimNode> nodes = new TreeMap<>();
    private final Deque<String> trace = new ArrayDeque<>();
    private final List<SimOperation> history = new ArrayList<>();
    private final Client[] clients = new Client[CLIENTS];
    private final RaftConfig template;
    /** Faults scheduled for a later time: time -> actions. */
    private final TreeMap<Long, List<Runnable>> scheduled = new TreeMap<>();
    /** Churn: every new leader is deposed (crashed or isolated) soon after its election, leaving short-lived leaders
     * with unreplicated entries behind — the ground on which commitment and leader-completeness bugs show. */
    private final boolean churn;
    private final String setup;
    private final Map<Long, Long> leaderTermSeen = new java.util.HashMap<>();
    private long now;
    private long steps;
    private long nextNodeId;
    private long nextOperation = 1;

    RaftSimulation(long seed, Options options) {
        this.seed = seed;
        this.options = options;
        this.random = new Random(seed);
        this.network = new SimNetwork(random);
        // Each seed picks its election settings (pre-vote, check-quorum) and read mode: they change which paths run.
        boolean preVote = !options.leaderChurn() && random.nextInt(3) != 0;
        boolean checkQuorum = random.nextInt(3) != 0;
        boolean lease = checkQuorum && random.nextInt(3) == 0;
        // Some runs send one entry per append (tiny messages): that is what lets an old-term entry reach a quorum
        // without the new leader's own entry, the setting of the Figure 8 bug.
        long maxMessage = options.leaderChurn() || random.nextInt(4) == 0 ? 0 : 64 + random.nextInt(2048);
        RaftConfig base = RaftConfig.defaults(1, new MemoryStorage(), random)
                .withElection(preVote, checkQuorum)
                .withLimits(maxMessage, 1 + random.nextInt(8), 1L << 20);
        this.template = lease ? base.withReadOnlyOption(ReadOnlyOption.LEASE_BASED) : base;
        for (int i = 0; i < CLIENTS; i++) {
            clients[i] = new Client(i);
        }
        for (long id = 1; id <= options.nodes(); id++) {
            addNode(id, MemoryStorage.bootstrap(idsUpTo(options.nodes())));
        }
        nextNodeId = options.nodes() + 1;
        churn = options.faults() && (options.leaderChurn() || random.nextInt(2) == 0);
        if (options.faults()) {
            network.dropRate = random.nextDouble() * 0.08;
            network.duplicateRate = random.nextDouble() * 0.05;
            network.straggleRate = random.nextDouble() * 0.05;
            network.maxDelay = 2 + random.nextInt(15);
        }
        setup = ("seed=" + seed + " nodes=" + options.nodes() + " churn=" + churn + " preVote=" + template.preVote()
                + " checkQuorum=" + template.checkQuorum() + " reads=" + template.readOnlyOption() + " drop="
                + String.format("%.3f", network.dropRate) + " maxMsg=" + template.maxSizePerMsg() + " inflight="
                + template.maxInflightMsgs());
        record(setup);
    }

    Result run() {
        try {
            simulate();
        } catch (RuntimeException panic) {
            // A node's Raft refused to go on (etcd would panic): that is a violation the planted bugs can cause.
            java.io.StringWriter stack = new java.io.StringWriter();
            panic.printStackTrace(new java.io.PrintWriter(stack));
            invariants.fail("panic at t" + now + ": " + panic + "\n" + stack.toString().lines().limit(8)
                    .collect(Collectors.joining("\n")));
        }
        for (Client client : clients) {
            client.abandon();
        }
        return new Result(seed, setup, List.copyOf(invariants.violations()), List.copyOf(trace),
                List.copyOf(history), steps, invariants.highestApplied());
    }

    private void simulate() {
        long faultPhaseEnd = options.duration() * 3 / 4;
        long nextFault = 100 + random.nextInt(200);
        while (now < options.duration() && invariants.violations().isEmpty()) {
            now++;
            if (options.faults() && now >= nextFault && now < faultPhaseEnd) {
                injectFault();
                nextFault = now + 50 + random.nextInt(250);
            }
            if (now == faultPhaseEnd) {
                healEverything();
            }
            stepTime();
        }
        if (invariants.violations().isEmpty()) {
            checkLiveness();
        }
    }

    // ---- the clock

    private void stepTime() {
        List<Runnable> due = scheduled.remove(now);
        if (due != null) {
            due.forEach(Runnable::run);
        }
        for (SimNode node : List.copyOf(nodes.values())) {
            if (node.isUp() && (now + node.id) % TICK_EVERY == 0) {
                node.node.tick();
                settle(node);
            }
        }
        for (SimNetwork.Delivery delivery : network.due(now)) {
            Message message = delivery.message();
            SimNode target = nodes.get(message.to());
            boolean reachable = target != null && target.isUp() && !delivery.blocked();
            if (message.type() == MessageType.SNAP) {
                // The transport reports how the snapshot transfer went, as etcd's does.
                SimNode sender = nodes.get(message.from());
                if (sender.isUp()) {
                    sender.node.reportSnapshot(message.to(), !reachable);
                    settle(sender);
                }
            }
            if (!reachable) {
                continue;
            }
            steps++;
            target.node.step(message);
            settle(target);
        }
        for (Client client : clients) {
            client.act();
        }
    }

    /** Handles a node's Readys (perhaps crashing it midway), then checks the invariants that concern it. */
    private void settle(SimNode node) {
        SimNode.CrashPoint crash = SimNode.CrashPoint.NONE;
        if (options.faults() && now < options.duration() * 3 / 4 && random.nextInt(200) == 0) {
            crash = SimNode.CrashPoint.values()[1 + random.nextInt(3)];
        }
        boolean survived = node.drain(observer, crash);
        if (!survived) {
            record("crash n" + node.id + " at " + crash);
            return;
        }
        invariants.checkLeader(node);
        maybeDeposeNewLeader(node);
        for (Client client : clients) {
            client.checkRead(node);
        }
    }

    private final SimNode.Observer observer = new SimNode.Observer() {
        @Override
        public void persisted(SimNode node, List<Entry> appended) {
            invariants.checkPersisted(node, appended);
        }

        @Override
        public void applied(SimNode node, Entry entry) {
            invariants.checkApplied(node, entry);
            if (VERBOSE) {
                record("t" + now + " n" + node.id + " applied " + entry + (entry.type() == EntryType.NORMAL
                        && entry.data().length > 0 ? " " + SimCommand.decode(entry.data()) : ""));
            }
            if (entry.type() == EntryType.NORMAL && entry.data().length > 0) {
                SimCommand command = SimCommand.decode(entry.data());
                for (Client client : clients) {
                    client.onApplied(node, command);
                }
            } else if (entry.type() == EntryType.CONF_CHANGE) {
                record("n" + node.id + " applied conf change " + entry);
            }
        }

        @Override
        public void readReady(SimNode node, ReadState read) {
            for (Client client : clients) {
                client.onReadState(node, read);
            }
        }

        @Override
        public void sent(SimNode node, Message message) {
            record("t" + now + " " + message);
            network.send(now, message);
            maybeCutOffCatchUp(node, message);
        }
    };

    // ---- faults

    private void injectFault() {
        int pick = random.nextInt(100);
        Set<Long> all = upOrDownIds();
        if (pick < 15) {
            Set<Long> side = randomSubset(all);
            network.isolate(side, all);
            record("t" + now + " FAULT partition " + side + " | rest");
        } else if (pick < 25) {
            long from = randomOf(all);
            long to = randomOf(all);
            if (from != to) {
                network.block(from, to);
                record("t" + now + " FAULT block " + from + "->" + to);
            }
        } else if (pick < 35) {
            SimNode leader = currentLeader();
            if (leader != null) {
                network.isolate(Set.of(leader.id), all);
                record("t" + now + " FAULT isolate leader " + leader.id);
            }
        } else if (pick < 42) {
            network.heal();
            record("t" + now + " FAULT heal");
        } else if (pick < 50) {
            // A premature election timeout on a random node: elections at moments no timer would pick.
            List<SimNode> up = nodes.values().stream().filter(SimNode::isUp).toList();
            if (!up.isEmpty()) {
                SimNode eager = up.get(random.nextInt(up.size()));
                eager.node.campaign();
                record("t" + now + " FAULT n" + eager.id + " campaigns now");
                settle(eager);
            }
        } else if (pick < 55) {
            long back = randomOf(all);
            network.reconnect(back, all);
            record("t" + now + " FAULT reconnect n" + back);
        } else if (pick < 67) {
            List<SimNode> up = nodes.values().stream().filter(SimNode::isUp).toList();
            if (!up.isEmpty()) {
                SimNode victim = up.get(random.nextInt(up.size()));
                victim.crash();
                record("t" + now + " FAULT crash n" + victim.id);
            }
        } else if (pick < 85) {
            List<SimNode> down = nodes.values().stream().filter(n -> !n.isUp() && !n.removed).toList();
            if (!down.isEmpty()) {
                SimNode back = down.get(random.nextInt(down.size()));
                back.start(List.copyOf(options.coreBugs()));
                record("t" + now + " FAULT restart n" + back.id);
                settle(back);
            }
        } else if (options.membershipChanges()) {
            changeMembership();
        }
    }

    private void maybeDeposeNewLeader(SimNode node) {
        Raft raft = node.node.raft();
        if (!churn || raft.state != StateRole.LEADER || now >= options.duration() * 3 / 4) {
            return;
        }
        Long seen = leaderTermSeen.put(node.id, raft.term);
        if (seen != null && seen == raft.term) {
            return;
        }
        long at = now + 5 + random.nextInt(60);
        boolean crashIt = random.nextBoolean();
        scheduled.computeIfAbsent(at, t -> new ArrayList<>()).add(() -> {
            if (!node.isUp() || now >= options.duration() * 3 / 4) {
                return;
            }
            if (crashIt) {
                node.crash();
                record("t" + now + " CHURN crash new leader n" + node.id);
                scheduled.computeIfAbsent(now + 50 + random.nextInt(200), t -> new ArrayList<>()).add(() -> {
                    if (!node.isUp() && !node.removed) {
                        node.start(List.copyOf(options.coreBugs()));
                        record("t" + now + " CHURN restart n" + node.id);
                        settle(node);
                    }
                });
            } else {
                network.isolate(Set.of(node.id), upOrDownIds());
                record("t" + now + " CHURN isolate new leader n" + node.id);
            }
        });
    }

    /**
     * Churn's second trick, against the appends that decide commitment: a new leader is cut off before its first
     * appends land (leaving its own-term entry on itself alone), and a leader catching a follower up with entries of
     * earlier terms only is cut off right after (leaving an old-term entry on a quorum without the leader's own).
     * Together they build the setting of Raft's Figure 8.
     */
    private void maybeCutOffCatchUp(SimNode node, Message message) {
        if (!churn || message.type() != MessageType.APP || message.entries().isEmpty()
                || now >= options.duration() * 3 / 4 || random.nextInt(2) != 0) {
            return;
        }
        boolean onlyOlderTerms = message.entries().stream().allMatch(e -> e.term() < message.term());
        boolean firstOfTerm = message.entries().stream().anyMatch(e -> e.term() == message.term()
                && e.index() == firstIndexOfTerm(node, message.term()));
        if (!onlyOlderTerms && !firstOfTerm) {
            return;
        }
        long at = onlyOlderTerms ? now + 1 + random.nextInt(5) : now + 1;
        scheduled.computeIfAbsent(at, t -> new ArrayList<>()).add(() -> {
            network.isolate(Set.of(node.id), upOrDownIds());
            record("t" + now + " CHURN isolate n" + node.id + (onlyOlderTerms ? " while it catches a follower up"
                    : " before its first appends land"));
        });
    }

    private static long firstIndexOfTerm(SimNode node, long term) {
        Raft raft = node.node.raft();
        long index = raft.log.lastIndex();
        while (index > raft.log.firstIndex() && raft.log.termOrZero(index - 1) == term) {
            index--;
        }
        return index;
    }

    private void changeMembership() {
        SimNode leader = currentLeader();
        if (leader == null) {
            return;
        }
        ConfState config = leader.node.confState();
        if (config.isJoint()) {
            return;
        }
        int pick = random.nextInt(4);
        ConfChange change;
        if (pick == 0 && nodes.size() < 9) {
            long id = nextNodeId++;
            addNode(id, new MemoryStorage());
            change = ConfChange.of(ConfChange.Type.ADD_LEARNER, id);
        } else if (pick == 1 && !config.learners().isEmpty()) {
            change = ConfChange.of(ConfChange.Type.ADD_VOTER, randomOf(config.learners()));
        } else if (pick == 2 && config.voters().size() > 2) {
            change = ConfChange.of(ConfChange.Type.REMOVE, randomOf(config.voters()));
        } else if (pick == 3 && config.voters().size() > 1 && nodes.size() < 9) {
            long id = nextNodeId++;
            addNode(id, new MemoryStorage());
            long old = randomOf(config.voters());
            change = new ConfChange(List.of(new ConfChange.Single(ConfChange.Type.ADD_VOTER, id),
                    new ConfChange.Single(ConfChange.Type.REMOVE, old)), ConfChange.Transition.JOINT_IMPLICIT, null);
        } else {
            return;
        }
        record("t" + now + " MEMBERSHIP propose " + change + " on n" + leader.id);
        try {
            leader.proposeConfChange(change);
        } catch (ProposalDroppedException e) {
            record("  dropped: " + e.getMessage());
        }
        settle(leader);
    }

    /**
     * Heals the network and restarts every node — removed ones too: a removed member's process may only go away
     * once the remaining members know the removal committed (an operator's job), so until then it must be there
     * to tell them.
     */
    private void healEverything() {
        network.heal();
        for (SimNode node : nodes.values()) {
            if (!node.isUp()) {
                node.start(List.copyOf(options.coreBugs()));
                settle(node);
            }
        }
        record("t" + now + " HEAL everything, every node restarted");
    }

    // ---- liveness

    private void checkLiveness() {
        healEverything();
        network.dropRate = 0;
        network.straggleRate = 0;
        long deadline = now + LIVENESS_BOUND;
        byte[] probe = new SimCommand(0, "liveness", "probe-" + seed).encode();
        long nextAttempt = now;
        while (now < deadline && invariants.violations().isEmpty()) {
            now++;
            stepTime();
            if (probeApplied(probe)) {
                return;
            }
            // Like a client: propose to whoever leads now, and again after a while if it did not commit (the
            // first leader found may be a stale one about to lose its term, taking the proposal with it).
            SimNode leader = currentLeader();
            if (leader != null && now >= nextAttempt) {
                nextAttempt = now + 20 * TICK_EVERY;
                try {
                    leader.node.propose(probe);
                    settle(leader);
                } catch (ProposalDroppedException e) {
                    record("t" + now + " liveness probe dropped by n" + leader.id + ": " + e.getMessage());
                }
            }
        }
        if (invariants.violations().isEmpty()) {
            StringBuilder status = new StringBuilder();
            nodes.values().forEach(n -> status.append("\n").append(n.isUp() ? n.node.status() : n + " removed"));
            invariants.fail("liveness: with the network healed and every node up, no proposal committed within "
                    + LIVENESS_BOUND + " time units (leader: " + currentLeader() + ")" + status);
        }
    }

    private boolean probeApplied(byte[] probe) {
        return invariants.appliedEntries().values().stream()
                .anyMatch(entry -> java.util.Arrays.equals(entry.data(), probe));
    }

    // ---- clients

    /** A client with at most one operation outstanding, against one node at a time. */
    private final class Client {
        private final int number;
        private SimNode target;
        private boolean isPut;
        private String key;
        private String value;
        private long operation;
        private long called;
        private byte[] readContext;
        private long readIndex = -1;
        private boolean busy;

        Client(int number) {
            this.number = number;
        }

        void act() {
            if (busy) {
                if (now - called > CLIENT_TIMEOUT || !target.isUp()) {
                    finish(SimOperation.UNKNOWN, null);
                }
                return;
            }
            if (random.nextInt(8) != 0) {
                return;
            }
            List<SimNode> up = nodes.values().stream().filter(SimNode::isUp).toList();
            if (up.isEmpty()) {
                return;
            }
            target = up.get(random.nextInt(up.size()));
            operation = nextOperation++;
            key = KEYS.get(random.nextInt(KEYS.size()));
            isPut = random.nextBoolean();
            called = now;
            busy = true;
            try {
                if (isPut) {
                    value = "v" + operation;
                    target.node.propose(new SimCommand(operation, key, value).encode());
                } else {
                    value = null;
                    readIndex = -1;
                    readContext = ByteBuffer.allocate(8).putLong(operation).array();
                    target.node.readIndex(readContext);
                }
            } catch (ProposalDroppedException e) {
                // Refused on the spot: it never entered any log, so it is no operation at all.
                busy = false;
                return;
            }
            record("t" + now + " client " + number + " " + (isPut ? "put " + key + "=" + value : "get " + key)
                    + " on n" + target.id);
            settle(target);
        }

        void onApplied(SimNode node, SimCommand command) {
            if (busy && isPut && node == target && command.operation() == operation) {
                finish(now, value);
            }
        }

        void onReadState(SimNode node, ReadState read) {
            if (busy && !isPut && node == target && java.util.Arrays.equals(read.requestContext(), readContext)) {
                readIndex = read.index();
            }
        }

        void checkRead(SimNode node) {
            if (busy && !isPut && node == target && readIndex >= 0 && node.appliedIndex >= readIndex) {
                record("t" + now + " client " + number + " read " + key + "=" + node.kv.get(key) + " on n" + node.id
                        + " at read index " + readIndex + " (applied " + node.appliedIndex + ")");
                finish(now, node.kv.get(key));
            }
        }

        void abandon() {
            if (busy) {
                finish(SimOperation.UNKNOWN, null);
            }
        }

        private void finish(long returned, String output) {
            busy = false;
            if (isPut) {
                history.add(new SimOperation(number, true, key, value, called, returned));
            } else if (returned != SimOperation.UNKNOWN) {
                // A read that never answered tells nothing; only answered reads join the history.
                history.add(new SimOperation(number, false, key, output, called, returned));
            }
        }
    }

    // ---- helpers

    private void addNode(long id, MemoryStorage storage) {
        SimNode node = new SimNode(id, storage, template, random);
        node.sendBeforePersist = options.loopBugs().contains(LoopBug.SEND_BEFORE_PERSIST);
        node.applyConfChangeWhenProposed = options.loopBugs().contains(LoopBug.CONF_CHANGE_APPLIED_WHEN_PROPOSED);
        nodes.put(id, node);
        node.start(List.copyOf(options.coreBugs()));
    }

    private SimNode currentLeader() {
        SimNode best = null;
        for (SimNode node : nodes.values()) {
            if (node.isUp() && node.node.raft().state == StateRole.LEADER
                    && (best == null || node.node.raft().term > best.node.raft().term)) {
                best = node;
            }
        }
        return best;
    }

    private Set<Long> upOrDownIds() {
        return nodes.values().stream().filter(n -> !n.removed).map(n -> n.id)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private Set<Long> randomSubset(Set<Long> all) {
        Set<Long> subset = new TreeSet<>();
        for (long id : all) {
            if (random.nextBoolean()) {
                subset.add(id);
            }
        }
        return subset;
    }

    private long randomOf(Set<Long> ids) {
        List<Long> list = new ArrayList<>(ids);
        return list.get(random.nextInt(list.size()));
    }

    private static Set<Long> idsUpTo(int n) {
        Set<Long> ids = new HashSet<>();
        for (long id = 1; id <= n; id++) {
            ids.add(id);
        }
        return ids;
    }

    private void record(String event) {
        trace.addLast(event);
        if (trace.size() > TRACE_LENGTH) {
            trace.removeFirst();
        }
    }
}
