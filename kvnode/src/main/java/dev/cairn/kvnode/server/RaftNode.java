package dev.cairn.kvnode.server;

import dev.cairn.kvnode.mvcc.StoreImage;
import dev.cairn.kvnode.proto.internal.InternalRequest;
import dev.cairn.kvnode.proto.internal.MemberRecord;
import dev.cairn.kvnode.proto.internal.MembershipChange;
import dev.cairn.kvnode.raft.ProposalDroppedException;
import dev.cairn.kvnode.raft.RawNode;
import dev.cairn.kvnode.raft.ReadState;
import dev.cairn.kvnode.raft.Ready;
import dev.cairn.kvnode.raft.pb.ConfChange;
import dev.cairn.kvnode.raft.pb.ConfChangeCodec;
import dev.cairn.kvnode.raft.pb.ConfState;
import dev.cairn.kvnode.raft.pb.Entry;
import dev.cairn.kvnode.raft.pb.EntryType;
import dev.cairn.kvnode.raft.pb.Message;
import dev.cairn.kvnode.raft.pb.MessageType;
import dev.cairn.kvnode.raft.pb.SnapshotMetadata;
import dev.cairn.kvnode.raft.pb.StateRole;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node loop (etcd's raftNode and the apply half of its server): the one thread that drives the pure Raft core.
 * Each turn it takes what other threads queued (proposals, read requests), proposes the turn's proposals to Raft as
 * one batch ({@link ProposalBatch}), ticks on time, and handles every Ready in the order that keeps acknowledgements
 * honest:
 * <ol>
 * <li>persist entries and hard state to the WAL, one fsync for the whole Ready (group commit: every proposal that
 * arrived while the previous fsync ran shares this one);</li>
 * <li>only then send messages, which may acknowledge what was just persisted (a leader sends its appends before
 * persisting, in parallel with its followers' fsyncs — see {@link #handle});</li>
 * <li>hand the committed entries to the {@link ApplyPipeline}, which applies them to the store, answers their
 * proposers and takes a snapshot when enough entries were applied since the last — while the loop goes on to persist
 * the next Ready;</li>
 * <li>advance.</li>
 * </ol>
 * Any failure to persist or apply is fatal: the node stops, fails every waiter, and reports it through
 * {@link #terminated()}; the process then exits, as etcd does, because a member that cannot persist must not vote.
 */
public final class RaftNode implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger("raft-node");
    /** Queued requests handled per turn, so a flood of proposals cannot starve ticks and Ready handling. */
    private static final int MAX_EVENTS_PER_TURN = 4096;
    /** Most request bytes proposed as one batch: etcd's largest append message (a larger request goes alone). */
    private static final long MAX_PROPOSAL_BATCH_BYTES = 1 << 20;
    /** Readys whose entries may wait to be applied before the loop waits for the apply side. */
    private static final int MAX_APPLY_BACKLOG = 64;

    private final long id;
    private final RawNode raft;
    private final MemberStorage storage;
    private final EntryApplier applier;
    private final ProposalWaits waits;
    private final Consumer<List<Message>> outbound;
    private final long tickNanos;
    private final StorageOptions storageOptions;
    private final BlockingQueue<Runnable> inbox = new LinkedBlockingQueue<>();
    private final ExecutorService snapshotWorker =
            Executors.newSingleThreadExecutor(r -> daemon(r, "snapshot-writer"));
    /** Completes the proposals of each applied batch (see {@link ProposalWaits#flush}), so responses leave here. */
    private final ExecutorService responder = Executors.newSingleThreadExecutor(r -> daemon(r, "apply-respond"));
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final Thread loop;
    private volatile boolean running = true;

    private final ApplyPipeline pipeline;
    private final List<Runnable> snapshotInstalledListeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    // Loop-thread state. confState is also read by the apply side, after the loop wrote it (see ApplyPipeline).
    private volatile ConfState confState;
    private boolean campaigned;
    private final long startCommit;
    private List<CompletableFuture<Void>> pendingReads = new ArrayList<>();
    /** Proposals not yet handed to Raft: those of this turn, and those held while no leader is known. */
    private final ProposalBatch proposals = new ProposalBatch();
    private final Map<Long, List<CompletableFuture<Void>>> readsInFlight = new HashMap<>();
    private long readSequence;
    /** MoveLeader requests waiting for their target to lead, by target. */
    private final Map<Long, List<CompletableFuture<Void>>> transfersWaiting = new HashMap<>();

    // Apply-side state: touched only by work on the pipeline, or by the loop while the pipeline is idle.
    private long appliedIndex;
    private long snapshotIndex;
    /** Entry payload applied since the snapshot in force was captured. */
    private long bytesSinceSnapshot;
    private boolean snapshotInProgress;
    /**
     * A member was added while the Raft log no longer starts at its beginning: the new member needs a snapshot, and
     * it refuses one whose configuration it is not in (as etcd's Raft does), so the newest must be cut after the
     * addition. etcd builds the snapshot it sends at send time instead; here the next one is cut now.
     */
    private boolean snapshotForNewMember;
    private final List<CompletableFuture<SnapshotMetadata>> snapshotRequests = new ArrayList<>();
    private final TreeMap<Long, List<CompletableFuture<Void>>> appliedWaiters = new TreeMap<>();

    /** The term this node was last seen leading in, 0 when it was not; loop-thread state. */
    private long leaderTermNotified;
    private volatile LeadershipListener leadershipListener = term -> {
    };

    // Views for other threads.
    private volatile long leader;
    private volatile long term;
    private volatile long appliedView;
    private volatile long committedView;
    private volatile boolean removedFromCluster;
    private final java.util.concurrent.atomic.AtomicLong leaderChanges = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong failedProposals = new java.util.concurrent.atomic.AtomicLong();

    /**
     * @param raft a node whose storage is {@code storage.raftLog()} and whose applied index is the log's snapshot index
     * @param outbound sends messages to peers; called only after what they acknowledge is persisted
     */
    public RaftNode(RawNode raft, MemberStorage storage, EntryApplier applier, Consumer<List<Message>> outbound,
            Duration tick, StorageOptions storageOptions) {
        this.id = raft.id();
        this.raft = raft;
        this.storage = storage;
        this.applier = applier;
        this.outbound = outbound;
        this.tickNanos = tick.toNanos();
        this.storageOptions = storageOptions;
        // Ids carried in entries already in the log were chosen below this; a fresh base keeps them from matching.
        this.waits = new ProposalWaits(System.currentTimeMillis() << 20);
        this.confState = storage.raftLog().snapshot().metadata().confState();
        this.appliedIndex = storage.snapshotIndex();
        this.snapshotIndex = storage.snapshotIndex();
        this.appliedView = appliedIndex;
        this.term = raft.hardState().term();
        this.startCommit = raft.hardState().commit();
        this.committedView = startCommit;
        this.loop = new Thread(this::run, "raft-loop");
        // A failure on the apply side stops the loop the way its own failures do.
        this.pipeline = new ApplyPipeline(MAX_APPLY_BACKLOG, error -> inbox.add(() -> {
            throw new IllegalStateException("applying committed entries failed", error);
        }));
    }

    public void start() {
        pipeline.start();
        loop.start();
    }

    public long id() {
        return id;
    }

    /** Told when this node starts leading in a term or stops leading. */
    public interface LeadershipListener {
        /**
         * Called on the node loop before the committed entries of the same Ready are handed to the apply side.
         *
         * @param term the term this node now leads in; 0 when it no longer leads
         */
        void leaderTermChanged(long term);
    }

    /** Sets the one leadership listener; call before {@link #start()}. */
    public void setLeadershipListener(LeadershipListener listener) {
        this.leadershipListener = listener;
    }

    /** The leader this node knows of, 0 when none. */
    public long leader() {
        return leader;
    }

    public long term() {
        return term;
    }

    public long appliedIndex() {
        return appliedView;
    }

    /** The highest log index this node knows committed (etcd's Status reports it as raftIndex). */
    public long committedIndex() {
        return committedView;
    }

    /** The configuration in force as this node last applied it. */
    public ConfState confState() {
        return confState;
    }

    /** Whether this member is a learner in the configuration it applied last. */
    public boolean isLearner() {
        return confState.learners().contains(id) || confState.learnersNext().contains(id);
    }

    /**
     * On the leader, how far {@code peer}'s log is known to match the leader's, together with the leader's own last
     * index; fails with "not leader" on any other member.
     */
    CompletableFuture<long[]> replicationOf(long peer) {
        CompletableFuture<long[]> result = new CompletableFuture<>();
        enqueue(() -> {
            if (!raft.isLeader()) {
                result.completeExceptionally(KvError.NOT_LEADER.exception());
            } else {
                result.complete(new long[] {raft.matchIndex(peer), raft.lastIndex()});
            }
        }, result);
        return result;
    }

    /**
     * Proposes a membership change; the future completes with the configuration it led to once the change is applied.
     * {@code member} describes an added or promoted member, and is recorded in the members bucket when it applies.
     */
    CompletableFuture<Object> proposeConfChange(ConfChange.Type type, long nodeId, MemberRecord member) {
        long proposalId = waits.nextId();
        CompletableFuture<Object> result = waits.register(proposalId);
        MembershipChange.Builder context = MembershipChange.newBuilder().setProposalId(proposalId);
        if (member != null) {
            context.setMember(member);
        }
        ConfChange change = new ConfChange(List.of(new ConfChange.Single(type, nodeId)), ConfChange.Transition.AUTO,
                context.build().toByteArray());
        enqueue(() -> {
            if (leader == 0) {
                waits.fail(proposalId, KvError.NO_LEADER.exception());
                return;
            }
            try {
                raft.proposeConfChange(change);
            } catch (ProposalDroppedException e) {
                waits.fail(proposalId, KvError.NO_LEADER.exception());
            }
        }, result);
        return result;
    }

    /** For the transport: the file of a snapshot this member made, to stream to a follower that needs it. */
    public java.util.Optional<java.nio.file.Path> snapshotFile(SnapshotMetadata metadata) {
        return storage.snapshotFile(metadata);
    }

    /** For the transport: where a snapshot file sent by the leader is written before its message is stepped. */
    public dev.cairn.kvnode.snap.Snapshotter.Incoming receiveSnapshot(SnapshotMetadata metadata)
            throws java.io.IOException {
        return storage.receiveSnapshot(metadata);
    }

    /** A message from a peer, handed over by the transport from any thread; stepped on the loop. */
    public void receive(Message message) {
        if (running) {
            inbox.add(() -> raft.step(message));
        }
    }

    /** The transport could not deliver to {@code peer}: Raft slows down to probing it. */
    public void reportUnreachable(long peer) {
        if (running) {
            inbox.add(() -> raft.reportUnreachable(peer));
        }
    }

    /** A peer refused this member as removed from the cluster: it stops for good, as etcd's does. */
    public void stopAsRemoved() {
        if (running) {
            inbox.add(() -> {
                throw new MemberRemovedException(id);
            });
        }
    }

    /** How sending a snapshot to {@code peer} ended. */
    public void reportSnapshot(long peer, boolean failed) {
        if (running) {
            inbox.add(() -> raft.reportSnapshot(peer, failed));
        }
    }

    /**
     * Completes once the node knows a leader and has applied everything committed when it started: from then on it
     * serves current data (etcd's ReadyNotify).
     */
    public CompletableFuture<Void> ready() {
        return ready;
    }

    /** Completes when the node stops: normally after {@link #close()}, exceptionally when it failed. */
    public CompletableFuture<Void> terminated() {
        return terminated;
    }

    /**
     * Proposes a request; the future completes with the apply result once its entry is committed and applied: a
     * response, or a {@link KvException}. Completes with "no leader" when Raft drops it.
     */
    CompletableFuture<Object> propose(InternalRequest.Builder request) {
        long proposalId = waits.nextId();
        CompletableFuture<Object> result = waits.register(proposalId);
        byte[] data = request.setId(proposalId).build().toByteArray();
        enqueue(() -> proposals.add(proposalId, data), result);
        return result;
    }

    /** How often this member saw a new leader (etcd_server_leader_changes_seen_total). */
    public long leaderChanges() {
        return leaderChanges.get();
    }

    /** Proposals Raft refused (etcd_server_proposals_failed_total). */
    public long failedProposals() {
        return failedProposals.get();
    }

    /** Proposals waiting to be applied (etcd_server_proposals_pending). */
    public int pendingProposals() {
        return waits.size();
    }

    /**
     * Completes once this node has applied everything committed before the call (Raft's ReadIndex): a read served
     * after it is linearizable. Reads that arrive together share one ReadIndex round.
     */
    CompletableFuture<Void> readBarrier() {
        CompletableFuture<Void> ready = new CompletableFuture<>();
        enqueue(() -> pendingReads.add(ready), ready);
        return ready;
    }

    /**
     * Hands leadership to {@code target} (etcd's MoveLeader): completes once this node sees the target lead. Fails with
     * "not leader" unless this node leads, and with "bad leader transferee" unless the target is a voter. The caller
     * bounds the wait.
     */
    CompletableFuture<Void> moveLeader(long target) {
        CompletableFuture<Void> led = new CompletableFuture<>();
        enqueue(() -> {
            if (!raft.isLeader()) {
                led.completeExceptionally(KvError.NOT_LEADER.exception());
            } else if (!confState.voters().contains(target)) {
                led.completeExceptionally(KvError.BAD_LEADER_TRANSFEREE.exception());
            } else if (target == id) {
                led.complete(null);
            } else {
                transfersWaiting.values().forEach(waiting -> waiting.removeIf(CompletableFuture::isDone));
                transfersWaiting.computeIfAbsent(target, t -> new ArrayList<>()).add(led);
                raft.transferLeadership(target);
            }
        }, led);
        return led;
    }

    /** Takes a snapshot now (unless one at the applied index exists); completes with its metadata once durable. */
    public CompletableFuture<SnapshotMetadata> snapshot() {
        CompletableFuture<SnapshotMetadata> done = new CompletableFuture<>();
        enqueue(() -> submitToApply(() -> {
            snapshotRequests.add(done);
            maybeSnapshot();
        }), done);
        return done;
    }

    @Override
    public void close() {
        running = false;
        inbox.add(() -> {
        });
        try {
            loop.join(TimeUnit.SECONDS.toMillis(30));
            // Entries handed over are committed: apply them, so their clients get answers.
            pipeline.finish();
            responder.shutdown();
            responder.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        responder.shutdown();
        snapshotWorker.shutdown();
        try {
            if (!snapshotWorker.awaitTermination(60, TimeUnit.SECONDS)) {
                // Not interrupted: the image is read from MapDB, and an interrupt during its file I/O would close
                // the backend's file channel. Closing the store ends the write; a half-written file is a .tmp.
                log.warn("a snapshot is still being written; it is abandoned (the next start ignores it)");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        failEverything(KvError.STOPPED.exception());
        ready.completeExceptionally(KvError.STOPPED.exception());
        terminated.complete(null);
    }

    private void enqueue(Runnable event, CompletableFuture<?> owner) {
        if (!running) {
            owner.completeExceptionally(KvError.STOPPED.exception());
            return;
        }
        inbox.add(event);
    }

    private void run() {
        try {
            long nextTick = System.nanoTime() + tickNanos;
            while (running) {
                long wait = nextTick - System.nanoTime();
                Runnable event = wait > 0 ? inbox.poll(wait, TimeUnit.NANOSECONDS) : inbox.poll();
                for (int handled = 0; event != null && handled < MAX_EVENTS_PER_TURN; handled++) {
                    event.run();
                    event = handled + 1 < MAX_EVENTS_PER_TURN ? inbox.poll() : null;
                }
                long now = System.nanoTime();
                if (now - nextTick >= 0) {
                    raft.tick();
                    // After a long stall, tick once rather than many times in a row: time is not made up for.
                    nextTick = Math.max(nextTick + tickNanos, now);
                }
                campaignIfSoleVoter();
                proposeArrived();
                requestReadIndex();
                while (raft.hasReady()) {
                    handle(raft.ready());
                }
                noteReadiness();
            }
        } catch (Throwable t) {
            fatal(t);
        }
    }

    private void handle(Ready ready) throws Exception {
        if (ready.softState() != null) {
            noteSoftState(ready.softState().lead(), ready.softState().role());
        }
        if (ready.hardState() != null) {
            term = ready.hardState().term();
            committedView = ready.hardState().commit();
        }
        noteLeaderTerm();
        // A leader's messages (appends, heartbeats) acknowledge nothing of its own log, so it sends them first and
        // fsyncs while its followers do (etcd does the same; Raft thesis 10.2.1). That stays safe: a follower's
        // acknowledgement is only counted by a later turn of this loop, after this persist, so no entry commits
        // before the leader holds it too. Every other member persists first, because its messages (votes, append
        // acknowledgements) promise what it has written — all but the proposals it passes on to the leader, which
        // promise nothing about its log and would otherwise wait for its fsync before the leader's could begin.
        boolean leading = leader == id;
        List<Message> afterPersist = ready.messages();
        if (leading) {
            outbound.accept(afterPersist);
            afterPersist = List.of();
        } else if (afterPersist.stream().anyMatch(m -> m.type() == MessageType.PROP)) {
            outbound.accept(afterPersist.stream().filter(m -> m.type() == MessageType.PROP).toList());
            afterPersist = afterPersist.stream().filter(m -> m.type() != MessageType.PROP).toList();
        }
        List<Entry> committed = ready.committedEntries();
        boolean membershipChange = committed.stream().anyMatch(entry -> entry.type() == EntryType.CONF_CHANGE);
        if (!membershipChange && !ready.hasSnapshot()) {
            // Committed entries this member already holds on disk go to the apply side before this turn's fsync, as
            // etcd hands them over: under load every turn has new entries to sync, and waiting for it put one more
            // fsync between a commit and its answer. Entries of this very Ready (a single member commits its own at
            // once) still wait for it: no answer may leave before its write is durable here.
            List<Entry> durable = alreadyPersisted(committed, ready.entries());
            if (!durable.isEmpty()) {
                submitApply(durable);
                committed = committed.subList(durable.size(), committed.size());
            }
        }
        storage.persist(ready);
        if (!afterPersist.isEmpty()) {
            outbound.accept(afterPersist);
        }
        if (ready.hasSnapshot()) {
            pipeline.awaitIdle();
            installSnapshot(ready.snapshot().metadata());
        }
        if (membershipChange) {
            // A membership change goes to the Raft core, which only this thread may touch: apply this batch here,
            // once the apply side has caught up. Rare, so the lost overlap does not matter.
            pipeline.awaitIdle();
            applyCommitted(committed);
            afterApply();
            if (removedFromCluster) {
                throw new MemberRemovedException(id);
            }
        } else if (!committed.isEmpty()) {
            submitApply(committed);
        }
        Map<Long, List<CompletableFuture<Void>>> reads = new HashMap<>();
        long applied = appliedView;
        for (ReadState read : ready.readStates()) {
            List<CompletableFuture<Void>> waiting = readsInFlight.remove(ByteBuffer.wrap(read.requestContext())
                    .getLong());
            if (waiting == null) {
                continue;
            }
            if (read.index() <= applied) {
                // Usual when writes are few: the store is there already, and a hand-off to the apply side (a
                // thread wake-up on the way of every linearizable read) would only say so. What waits on a read
                // barrier is cheap or continues on another pool (see readBarrier's callers).
                waiting.forEach(barrier -> barrier.complete(null));
            } else {
                reads.computeIfAbsent(read.index(), i -> new ArrayList<>()).addAll(waiting);
            }
        }
        if (!reads.isEmpty()) {
            pipeline.submit(() -> {
                reads.forEach((index, waiting) -> appliedWaiters.computeIfAbsent(index, i -> new ArrayList<>())
                        .addAll(waiting));
                completeAppliedWaiters();
            });
        }
        raft.advance(ready);
    }

    private void submitApply(List<Entry> entries) throws InterruptedException {
        pipeline.submit(() -> {
            long started = System.nanoTime();
            applyCommitted(entries);
            storage.backendBatchWritten(System.nanoTime() - started);
            afterApply();
        });
    }

    /** The committed entries that come before {@code unsynced}, the entries this Ready is about to persist. */
    private static List<Entry> alreadyPersisted(List<Entry> committed, List<Entry> unsynced) {
        long firstUnsynced = unsynced.isEmpty() ? Long.MAX_VALUE : unsynced.get(0).index();
        int count = 0;
        while (count < committed.size() && committed.get(count).index() < firstUnsynced) {
            count++;
        }
        return committed.subList(0, count);
    }

    /**
     * A snapshot from the leader replaces everything applied (on the loop, with the apply side idle): the store, the
     * members, and whatever else listens. Entries it covers are skipped when they come.
     */
    private void installSnapshot(SnapshotMetadata metadata) throws java.io.IOException {
        storage.installSnapshot(metadata);
        confState = metadata.confState();
        appliedIndex = metadata.index();
        snapshotIndex = metadata.index();
        bytesSinceSnapshot = 0;
        appliedView = appliedIndex;
        applier.snapshotInstalled();
        snapshotInstalledListeners.forEach(Runnable::run);
        completeAppliedWaiters();
    }

    /**
     * Runs {@code listener} on the loop after each snapshot from the leader replaced the store (watchers re-sync,
     * leases are recovered). Register before {@link #start}.
     */
    public void onSnapshotInstalled(Runnable listener) {
        snapshotInstalledListeners.add(listener);
    }

    /** Apply side, after each batch: answer reads that waited for it, and snapshot when one is due. */
    private void afterApply() {
        waits.flush(responder);
        completeAppliedWaiters();
        maybeSnapshot();
    }

    private void submitToApply(Runnable work) {
        try {
            pipeline.submit(work);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while handing work to the apply side", e);
        }
    }

    private void applyCommitted(List<Entry> entries) {
        for (Entry entry : entries) {
            if (entry.index() <= appliedIndex) {
                continue;
            }
            if (entry.type() == EntryType.CONF_CHANGE) {
                ConfChange change = ConfChangeCodec.decode(entry.data());
                ConfState before = confState;
                confState = raft.applyConfChange(change);
                if (addsMember(before, confState) && storage.raftLog().firstIndex() > 1) {
                    snapshotForNewMember = true;
                }
                if (!applier.alreadyApplied(entry)) {
                    waits.completeLater(applier.applyMembership(entry, change), confState);
                }
                if (removes(change, id)) {
                    removedFromCluster = true;
                }
            } else if (applier.alreadyApplied(entry)) {
                // Replayed after a restart: the backend already holds it.
            } else if (entry.data().length == 0) {
                applier.applyEmpty(entry);
            } else {
                deliver(applier.apply(entry));
            }
            appliedIndex = entry.index();
            bytesSinceSnapshot += entry.data().length;
        }
        appliedView = appliedIndex;
    }

    private void deliver(EntryApplier.Applied applied) {
        if (applied.result() instanceof CompletableFuture<?> later) {
            later.whenComplete((result, error) -> waits.complete(applied.proposalId(),
                    error != null ? new IllegalStateException("compaction failed", error) : result));
        } else {
            waits.completeLater(applied.proposalId(), applied.result());
        }
    }

    private void completeAppliedWaiters() {
        while (!appliedWaiters.isEmpty() && appliedWaiters.firstKey() <= appliedIndex) {
            appliedWaiters.pollFirstEntry().getValue().forEach(ready -> ready.complete(null));
        }
    }

    private void noteSoftState(long newLeader, StateRole role) {
        if (newLeader != leader) {
            if (newLeader != 0) {
                leaderChanges.incrementAndGet();
            }
            log.info("leader changed from={} to={} term={} role={}", Long.toHexString(leader),
                    Long.toHexString(newLeader), raft.hardState().term(), role);
            // ReadIndex requests sent to the old leader may never be answered.
            readsInFlight.values().forEach(reads -> reads.forEach(
                    ready -> ready.completeExceptionally(KvError.LEADER_CHANGED.exception())));
            readsInFlight.clear();
            List<CompletableFuture<Void>> transferred = transfersWaiting.remove(newLeader);
            if (transferred != null) {
                transferred.forEach(led -> led.complete(null));
            }
        }
        leader = newLeader;
    }

    private static boolean addsMember(ConfState before, ConfState after) {
        return after.voters().stream().anyMatch(id -> !before.includes(id))
                || after.learners().stream().anyMatch(id -> !before.includes(id));
    }

    private static boolean removes(ConfChange change, long member) {
        return change.changes().stream()
                .anyMatch(single -> single.type() == ConfChange.Type.REMOVE && single.nodeId() == member);
    }

    /**
     * Compares the term this node leads in with the last one told: a node can lose and regain leadership between two
     * Readys without a soft state showing it, but never without its term changing.
     */
    private void noteLeaderTerm() {
        long leaderTerm = raft.isLeader() ? raft.hardState().term() : 0;
        if (leaderTerm != leaderTermNotified) {
            leaderTermNotified = leaderTerm;
            leadershipListener.leaderTermChanged(leaderTerm);
        }
    }

    /** A member that is the only voter elects itself at once rather than after an election timeout. */
    private void campaignIfSoleVoter() {
        if (!campaigned && confState.voters().size() == 1 && confState.voters().contains(id)
                && confState.votersOutgoing().isEmpty() && !raft.isLeader()) {
            campaigned = true;
            raft.campaign();
        }
    }

    /**
     * Proposes what arrived during this turn; while no leader is known, holds it (etcd's Propose blocks so) until one
     * is. The proposals of a turn go to Raft together, in batches of at most {@link #MAX_PROPOSAL_BATCH_BYTES}.
     */
    private void proposeArrived() {
        if (leader == 0 || proposals.isEmpty()) {
            return;
        }
        for (ProposalBatch.Batch batch : proposals.drain(MAX_PROPOSAL_BATCH_BYTES)) {
            try {
                raft.proposeAll(batch.data());
            } catch (ProposalDroppedException e) {
                failedProposals.addAndGet(batch.ids().length);
                for (long proposalId : batch.ids()) {
                    waits.fail(proposalId, KvError.NO_LEADER.exception());
                }
            }
        }
    }

    private void noteReadiness() {
        long applied = appliedView;
        if (!ready.isDone() && leader != 0 && applied >= startCommit) {
            log.info("ready: leader={} applied_index={} term={}", Long.toHexString(leader), applied, term);
            ready.complete(null);
        }
    }

    private void requestReadIndex() {
        if (pendingReads.isEmpty() || leader == 0) {
            return;
        }
        long context = ++readSequence;
        readsInFlight.put(context, pendingReads);
        pendingReads = new ArrayList<>();
        raft.readIndex(ByteBuffer.allocate(Long.BYTES).putLong(context).array());
    }

    private void maybeSnapshot() {
        if (snapshotInProgress || appliedIndex <= snapshotIndex) {
            if (!snapshotRequests.isEmpty() && !snapshotInProgress && appliedIndex == snapshotIndex) {
                SnapshotMetadata current = storage.raftLog().snapshot().metadata();
                snapshotRequests.forEach(request -> request.complete(current));
                snapshotRequests.clear();
            }
            return;
        }
        boolean due = appliedIndex - snapshotIndex >= storageOptions.snapshotCount()
                || bytesSinceSnapshot >= storageOptions.snapshotBytes() || snapshotForNewMember;
        // While replaying entries the backend already holds, the store is ahead of appliedIndex: not a point to cut.
        if ((!due && snapshotRequests.isEmpty()) || storage.store().applied().index() != appliedIndex) {
            return;
        }
        SnapshotMetadata metadata = new SnapshotMetadata(confState, appliedIndex,
                storage.raftLog().term(appliedIndex));
        StoreImage image = storage.store().captureImage();
        snapshotInProgress = true;
        snapshotForNewMember = false;
        bytesSinceSnapshot = 0;
        List<CompletableFuture<SnapshotMetadata>> requests = new ArrayList<>(snapshotRequests);
        snapshotRequests.clear();
        snapshotWorker.execute(() -> {
            try {
                storage.saveSnapshot(metadata, image);
                inbox.add(() -> snapshotWritten(metadata, requests));
            } catch (Exception e) {
                inbox.add(() -> snapshotFailed(metadata, requests, e));
            }
        });
    }

    /** On the loop (it owns the WAL and the Raft log), then on the apply side (it owns the snapshot schedule). */
    private void snapshotWritten(SnapshotMetadata metadata, List<CompletableFuture<SnapshotMetadata>> requests) {
        try {
            storage.snapshotSaved(metadata, storageOptions.snapshotCatchUpEntries());
        } catch (Exception e) {
            throw new IllegalStateException("recording snapshot " + metadata.index() + " in the WAL failed", e);
        }
        // Before the next save (one writer thread), after the WAL names this snapshot.
        snapshotWorker.execute(() -> {
            try {
                storage.releaseOldSnapshots(storageOptions.maxSnapshots());
            } catch (Exception e) {
                log.warn("releasing old snapshot files failed; retried after the next snapshot error={}",
                        e.toString());
            }
        });
        submitToApply(() -> {
            snapshotInProgress = false;
            snapshotIndex = metadata.index();
            requests.forEach(request -> request.complete(metadata));
            maybeSnapshot();
        });
    }

    private void snapshotFailed(SnapshotMetadata metadata, List<CompletableFuture<SnapshotMetadata>> requests,
            Exception error) {
        // Not fatal: the WAL still holds every entry; the next snapshot is tried when the next one is due.
        log.error("saving snapshot index={} failed error={}", metadata.index(), error.toString());
        submitToApply(() -> {
            snapshotInProgress = false;
            requests.forEach(request -> request.completeExceptionally(error));
        });
    }

    private void fatal(Throwable error) {
        if (error instanceof MemberRemovedException || error instanceof BelowClusterVersionException) {
            log.warn("stopping: {}", error.getMessage());
        } else {
            log.error("node loop failed; stopping this member error={}", error.toString(), error);
        }
        running = false;
        // Terminated first: whoever sees a waiter fail may check why.
        ready.completeExceptionally(error);
        terminated.completeExceptionally(error);
        try {
            pipeline.abort();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        failEverything(KvError.STOPPED.exception());
    }

    private void failEverything(RuntimeException error) {
        waits.failAll(error);
        pendingReads.forEach(read -> read.completeExceptionally(error));
        readsInFlight.values().forEach(reads -> reads.forEach(read -> read.completeExceptionally(error)));
        transfersWaiting.values().forEach(waiting -> waiting.forEach(led -> led.completeExceptionally(error)));
        appliedWaiters.values().forEach(reads -> reads.forEach(read -> read.completeExceptionally(error)));
        snapshotRequests.forEach(request -> request.completeExceptionally(error));
        Runnable event;
        while ((event = inbox.poll()) != null) {
            // Proposals still queued were never proposed; their waiters were failed above.
        }
    }

    private static Thread daemon(Runnable runnable, String name) {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        return thread;
    }
}
