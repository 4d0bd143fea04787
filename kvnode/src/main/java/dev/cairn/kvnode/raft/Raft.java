package dev.cairn.kvnode.raft;

import dev.cairn.kvnode.raft.confchange.Changer;
import dev.cairn.kvnode.raft.pb.ConfChange;
import dev.cairn.kvnode.raft.pb.ConfChangeCodec;
import dev.cairn.kvnode.raft.pb.ConfState;
import dev.cairn.kvnode.raft.pb.Entry;
import dev.cairn.kvnode.raft.pb.EntryType;
import dev.cairn.kvnode.raft.pb.HardState;
import dev.cairn.kvnode.raft.pb.Message;
import dev.cairn.kvnode.raft.pb.MessageType;
import dev.cairn.kvnode.raft.pb.Snapshot;
import dev.cairn.kvnode.raft.pb.SoftState;
import dev.cairn.kvnode.raft.pb.StateRole;
import dev.cairn.kvnode.raft.quorum.VoteResult;
import dev.cairn.kvnode.raft.tracker.Progress;
import dev.cairn.kvnode.raft.tracker.ProgressState;
import dev.cairn.kvnode.raft.tracker.ProgressTracker;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;

/**
 * The Raft consensus state machine of one node, after etcd's raft: pure — no I/O, threads or clocks; time is
 * {@link #tick()}, input is {@link #step(Message)}, output is what {@link RawNode} collects into a Ready.
 *
 * <p>Features: pre-vote and check-quorum elections, log replication with flow control (probe / replicate /
 * snapshot, bounded inflights) and fast back-off, commitment only of current-term entries, ReadIndex and lease
 * reads, leadership transfer, learners and joint-consensus membership changes applied when committed and applied
 * (never when proposed), snapshots. The comments name the Raft-paper rule or the known bug each guard answers.
 */
final class Raft {
    static final long NONE = 0;
    /** Ticks taken off a leader's lease for the phase difference between members' tick timers. */
    private static final int LEASE_MARGIN_TICKS = 2;

    final long id;
    long term;
    long vote;
    final RaftLog log;
    final ProgressTracker tracker;
    StateRole state = StateRole.FOLLOWER;
    boolean isLearner;
    long lead = NONE;
    /** The follower leadership is being handed to, or NONE. Proposals are refused while it is set. */
    long leadTransferee = NONE;
    /** The index of the newest membership change this leader appended; another waits until it is applied. */
    long pendingConfIndex;
    /** Payload bytes of uncommitted entries this leader appended (bounds log growth without a quorum, R-23). */
    long uncommittedSize;
    final List<Message> messages = new ArrayList<>();
    final List<ReadState> readStates = new ArrayList<>();
    private final ReadIndexQueue readIndexQueue = new ReadIndexQueue();
    /** Read requests that arrived before this leader committed an entry of its term: answered after. */
    private final List<Message> pendingReadIndexMessages = new ArrayList<>();

    private final int electionTimeout;
    private final int heartbeatTimeout;
    private int randomizedElectionTimeout;
    int electionElapsed;
    private int heartbeatElapsed;
    /** Ticks since this node became leader: the clock of its lease. */
    private long leaderTicks;
    private final boolean checkQuorum;
    private final boolean preVote;
    private final ReadOnlyOption readOnlyOption;
    private final boolean disableProposalForwarding;
    private final boolean stepDownOnRemoval;
    private final long maxMsgSize;
    private final long maxUncommittedSize;
    private final Random random;
    private final Set<PlantedBug> plantedBugs = EnumSet.noneOf(PlantedBug.class);

    Raft(RaftConfig config) {
        this.id = config.id();
        this.log = new RaftLog(config.storage());
        this.tracker = new ProgressTracker(config.maxInflightMsgs(), config.maxInflightBytes());
        this.electionTimeout = config.electionTick();
        this.heartbeatTimeout = config.heartbeatTick();
        this.checkQuorum = config.checkQuorum();
        this.preVote = config.preVote();
        this.readOnlyOption = config.readOnlyOption();
        this.disableProposalForwarding = config.disableProposalForwarding();
        this.stepDownOnRemoval = config.stepDownOnRemoval();
        this.maxMsgSize = config.maxSizePerMsg();
        this.maxUncommittedSize = config.maxUncommittedEntriesSize();
        this.random = config.random();

        Storage.InitialState initial = config.storage().initialState();
        switchToConfig(Changer.restore(tracker.emptyCopy(), log.lastIndex(), initial.confState()));
        if (!initial.hardState().isEmpty()) {
            loadState(initial.hardState());
        }
        if (config.applied() > 0) {
            log.appliedTo(config.applied());
        }
        becomeFollower(term, NONE);
    }

    void plant(PlantedBug bug) {
        plantedBugs.add(bug);
    }

    HardState hardState() {
        return new HardState(term, vote, log.committed());
    }

    SoftState softState() {
        return new SoftState(lead, state);
    }

    // ---- time

    void tick() {
        if (state == StateRole.LEADER) {
            tickHeartbeat();
        } else {
            tickElection();
        }
    }

    private void tickElection() {
        electionElapsed++;
        if (promotable() && electionElapsed >= randomizedElectionTimeout) {
            electionElapsed = 0;
            step(local(MessageType.HUP));
        }
    }

    private void tickHeartbeat() {
        heartbeatElapsed++;
        electionElapsed++;
        leaderTicks++;
        if (electionElapsed >= electionTimeout) {
            electionElapsed = 0;
            if (checkQuorum) {
                step(local(MessageType.CHECK_QUORUM));
            }
            // A transfer that did not finish within an election timeout is abandoned: lead on.
            if (state == StateRole.LEADER && leadTransferee != NONE) {
                abortLeaderTransfer();
            }
        }
        if (state != StateRole.LEADER) {
            return;
        }
        if (heartbeatElapsed >= heartbeatTimeout) {
            heartbeatElapsed = 0;
            step(local(MessageType.BEAT));
        }
    }

    private Message local(MessageType type) {
        return Message.builder(type).from(id).build();
    }

    // ---- role changes

    void becomeFollower(long newTerm, long newLead) {
        reset(newTerm);
        lead = newLead;
        state = StateRole.FOLLOWER;
    }

    private void becomeCandidate() {
        if (state == StateRole.LEADER) {
            throw new IllegalStateException("invalid transition [leader -> candidate]");
        }
        reset(term + 1);
        vote = id;
        state = StateRole.CANDIDATE;
    }

    private void becomePreCandidate() {
        if (state == StateRole.LEADER) {
            throw new IllegalStateException("invalid transition [leader -> pre-candidate]");
        }
        // A pre-candidate changes neither its term nor its vote: a lost pre-election disturbs nobody.
        tracker.resetVotes();
        lead = NONE;
        state = StateRole.PRE_CANDIDATE;
    }

    private void becomeLeader() {
        if (state == StateRole.FOLLOWER) {
            throw new IllegalStateException("invalid transition [follower -> leader]");
        }
        reset(term);
        lead = id;
        state = StateRole.LEADER;
        Progress self = tracker.progress(id);
        self.becomeReplicate();
        self.setRecentActive(true);
        // There may be an unapplied membership change in the log: accept no new one before all of it is applied
        // (the fix for the single-server change bug, R-2).
        pendingConfIndex = log.lastIndex();
        // A new leader commits entries of earlier terms only through an entry of its own (Raft §5.4.2).
        if (!appendEntries(List.of(Entry.normal(null)))) {
            throw new IllegalStateException("empty entry was dropped");
        }
    }

    private void reset(long newTerm) {
        if (term != newTerm) {
            term = newTerm;
            vote = NONE;
        }
        lead = NONE;
        electionElapsed = 0;
        heartbeatElapsed = 0;
        leaderTicks = 0;
        randomizedElectionTimeout = electionTimeout + random.nextInt(electionTimeout);
        abortLeaderTransfer();
        tracker.resetVotes();
        long last = log.lastIndex();
        tracker.visit((peer, progress) -> {
            Progress fresh = new Progress(0, last + 1, tracker.newInflights(), progress.isLearner());
            if (peer == id) {
                fresh.setMatch(last);
            }
            tracker.progress().put(peer, fresh);
        });
        pendingConfIndex = 0;
        uncommittedSize = 0;
        readIndexQueue.clear();
        pendingReadIndexMessages.clear();
    }

    private void abortLeaderTransfer() {
        leadTransferee = NONE;
    }

    /** Whether this node may campaign: a voter of its configuration, with no snapshot still to install. */
    boolean promotable() {
        Progress self = tracker.progress(id);
        return self != null && !self.isLearner() && !log.hasPendingSnapshot();
    }

    // ---- elections

    private void hup(boolean transfer) {
        if (state == StateRole.LEADER) {
            return;
        }
        if (!promotable()) {
            return;
        }
        // with a committed but unapplied membership change, this node's view of the voters may be stale.
        if (log.hasUnappliedConfChanges()) {
            return;
        }
        if (preVote && !transfer) {
            campaign(true, false);
        } else {
            campaign(false, transfer);
        }
    }

    private void campaign(boolean preElection, boolean transfer) {
        long electionTerm;
        MessageType request;
        if (preElection) {
            becomePreCandidate();
            request = MessageType.PRE_VOTE;
            // Asking about the term it would campaign in; its own term stays unchanged.
            electionTerm = term + 1;
        } else {
            becomeCandidate();
            request = MessageType.VOTE;
            electionTerm = term;
        }
        if (poll(id, true) == VoteResult.WON) {
            // A single voter wins at once.
            if (preElection) {
                campaign(false, transfer);
            } else {
                becomeLeader();
            }
            return;
        }
        for (long voter : tracker.config().voters().ids()) {
            if (voter == id) {
                continue;
            }
            send(Message.builder(request).to(voter).term(electionTerm).index(log.lastIndex())
                    .logTerm(log.lastTerm()).commit(log.committed()).campaignTransfer(transfer).build());
        }
    }

    private VoteResult poll(long voter, boolean granted) {
        tracker.recordVote(voter, granted);
        return tracker.tallyVotes();
    }

    // ---- the step function

    /** Takes in one message; throws {@link ProposalDroppedException} for a proposal it will not carry. */
    void step(Message m) {
        if (m.term() == 0) {
            // local message (or a proposal / read request, which carry no term)
        } else if (m.term() > term) {
            if (m.type() == MessageType.VOTE || m.type() == MessageType.PRE_VOTE) {
                // With check-quorum, a node that heard from a leader within an election timeout ignores vote
                // requests: a partitioned node must not depose a working leader (unless the leader asked, by a
                // transfer).
                boolean inLease = checkQuorum && lead != NONE && electionElapsed < electionTimeout;
                if (!m.campaignTransfer() && inLease) {
                    return;
                }
            }
            if (m.type() == MessageType.PRE_VOTE) {
                // Never change term for a pre-vote request.
            } else if (m.type() == MessageType.PRE_VOTE_RESP && !m.reject()) {
                // A granted pre-vote carries the future term we asked about; we take it only on winning.
            } else if (m.type() == MessageType.APP || m.type() == MessageType.HEARTBEAT
                    || m.type() == MessageType.SNAP) {
                becomeFollower(m.term(), m.from());
            } else {
                becomeFollower(m.term(), NONE);
            }
        } else if (m.term() < term) {
            if ((checkQuorum || preVote)
                    && (m.type() == MessageType.HEARTBEAT || m.type() == MessageType.APP)) {
                // a leader of an older term (or a node that advanced its term while partitioned) must learn
                // our term, or the cluster can stay stuck: answer so the stale leader steps down.
                send(Message.builder(MessageType.APP_RESP).to(m.from()).build());
            } else if (m.type() == MessageType.PRE_VOTE) {
                // reject with our term, so that a pre-candidate stuck at a lower term learns the current one.
                send(Message.builder(MessageType.PRE_VOTE_RESP).to(m.from()).term(term).reject(true).build());
            } else if (m.type() == MessageType.VOTE) {
                // The same for a candidate, as the Raft paper answers every stale request with the current term
                // (etcd ignores it): a voter whose configuration is stale never asks the candidate for its vote, so
                // without this answer a candidate whose term trails can wait for that voter forever.
                send(Message.builder(MessageType.VOTE_RESP).to(m.from()).term(term).reject(true).build());
            }
            return;
        }

        switch (m.type()) {
            case HUP -> hup(false);
            case VOTE, PRE_VOTE -> handleVoteRequest(m);
            default -> {
                switch (state) {
                    case LEADER -> stepLeader(m);
                    case CANDIDATE, PRE_CANDIDATE -> stepCandidate(m);
                    case FOLLOWER -> stepFollower(m);
                }
            }
        }
    }

    private void handleVoteRequest(Message m) {
        learnCommit(m);
        // We may vote again for the same candidate (a retransmission), or for anyone when we have not voted and
        // know no leader in this term, or in a pre-vote for a future term.
        boolean canVote = vote == m.from()
                || (vote == NONE && lead == NONE)
                || (m.type() == MessageType.PRE_VOTE && m.term() > term);
        boolean upToDate = plantedBugs.contains(PlantedBug.VOTE_WITHOUT_UP_TO_DATE_CHECK)
                || log.isUpToDate(m.index(), m.logTerm());
        // Learners vote when asked too: a learner may be a voter of a configuration it has not applied yet.
        if (canVote && upToDate) {
            // The response is in the candidate's term, which for a pre-vote is the future term it asked about.
            send(commitClaim(Message.builder(m.type().voteResponse()), m.index()).to(m.from()).term(m.term()).build());
            if (m.type() == MessageType.VOTE) {
                // Only real votes count (and are persisted through the hard state before this response is sent).
                electionElapsed = 0;
                vote = m.from();
            }
        } else {
            send(commitClaim(Message.builder(m.type().voteResponse()), m.index()).to(m.from()).term(term)
                    .reject(true).build());
        }
    }

    /**
     * Adds what we know to be committed, up to {@code upTo}, as a log position (index and its term) and a commit
     * index, for {@link #learnCommit}.
     */
    private Message.Builder commitClaim(Message.Builder message, long upTo) {
        long index = Math.min(log.committed(), upTo);
        return message.index(index).logTerm(log.termOrZero(index)).commit(index);
    }

    /**
     * That an entry is committed is a fact about the log, whoever reports it. Vote requests carry the candidate's
     * commit index with its last log position, vote responses the voter's commit index with a position we hold.
     * Where our log holds the same entry at that position, Log Matching makes our prefix the sender's, so we may
     * commit as far. Without this, a member that missed the commit of a leave-joint entry stays in the joint
     * configuration and needs the vote of the removed member, whose longer log refuses it, while the members of
     * the new configuration refuse each other: no leader ever again (the apply-time liveness gap of
     * etcd-io/etcd#12359; found by the simulator, seed 540347352).
     */
    private void learnCommit(Message m) {
        long index = Math.min(m.commit(), m.index());
        if (index <= log.committed() || !log.matchTerm(m.index(), m.logTerm())) {
            return;
        }
        log.commitTo(index);
        boolean campaigning = state == StateRole.CANDIDATE || state == StateRole.PRE_CANDIDATE;
        if (campaigning && log.hasUnappliedConfChanges()) {
            // the votes are counted against a configuration about to change; campaign again once it applied.
            becomeFollower(term, NONE);
        }
    }

    private void stepLeader(Message m) {
        switch (m.type()) {
            case BEAT -> {
                broadcastHeartbeat();
                return;
            }
            case CHECK_QUORUM -> {
                if (!tracker.quorumActive()) {
                    becomeFollower(term, NONE);
                }
                // Everyone but us must prove itself active again during the next election timeout.
                tracker.visit((peer, progress) -> {
                    if (peer != id) {
                        progress.setRecentActive(false);
                    }
                });
                return;
            }
            case PROP -> {
                propose(m);
                return;
            }
            case READ_INDEX -> {
                handleReadIndexAsLeader(m);
                return;
            }
            case FORGET_LEADER -> {
                return;
            }
            default -> {
            }
        }
        Progress progress = tracker.progress(m.from());
        if (progress == null) {
            return;
        }
        switch (m.type()) {
            case APP_RESP -> handleAppendResponse(m, progress);
            case HEARTBEAT_RESP -> handleHeartbeatResponse(m, progress);
            case SNAP_STATUS -> {
                if (progress.state() != ProgressState.SNAPSHOT) {
                    return;
                }
                if (m.reject()) {
                    progress.clearPendingSnapshot();
                }
                progress.becomeProbe();
                // Wait for the follower's append response (or a heartbeat interval after a failure) before sending.
                progress.pauseFlow();
            }
            case UNREACHABLE -> {
                // An optimistic stream of appends to an unreachable follower has probably lost some: probe again.
                if (progress.state() == ProgressState.REPLICATE) {
                    progress.becomeProbe();
                }
            }
            case TRANSFER_LEADER -> handleTransferLeader(m.from(), progress);
            default -> {
            }
        }
    }

    private void propose(Message m) {
        if (m.entries().isEmpty()) {
            throw new IllegalArgumentException("proposal without entries from " + m.from());
        }
        if (tracker.progress(id) == null) {
            throw new ProposalDroppedException("this node is no longer a member");
        }
        if (leadTransferee != NONE) {
            throw new ProposalDroppedException("leadership transfer to " + leadTransferee + " in progress");
        }
        List<Entry> entries = new ArrayList<>(m.entries());
        for (int i = 0; i < entries.size(); i++) {
            Entry entry = entries.get(i);
            if (entry.type() != EntryType.CONF_CHANGE) {
                continue;
            }
            ConfChange change = ConfChangeCodec.decode(entry.data());
            boolean alreadyPending = pendingConfIndex > log.applied();
            boolean alreadyJoint = tracker.config().voters().isJoint();
            boolean wantsLeaveJoint = change.changes().isEmpty();
            String refusal = null;
            if (alreadyPending) {
                refusal = "possible unapplied conf change at index " + pendingConfIndex + " (applied "
                        + log.applied() + ")";
            } else if (alreadyJoint && !wantsLeaveJoint) {
                refusal = "must transition out of joint config first";
            } else if (!alreadyJoint && wantsLeaveJoint) {
                refusal = "not in joint state; refusing empty conf change";
            }
            if (refusal != null) {
                // The change becomes a no-op entry: the proposer learns of the refusal by never seeing it applied.
                entries.set(i, Entry.normal(null));
            } else {
                pendingConfIndex = log.lastIndex() + i + 1;
            }
        }
        if (!appendEntries(entries)) {
            throw new ProposalDroppedException("too many uncommitted bytes (" + uncommittedSize + ")");
        }
        broadcastAppend();
    }

    private void handleAppendResponse(Message m, Progress progress) {
        progress.setRecentActive(true);
        progress.recordLeaseTick(m.leaderTick());
        if (m.reject()) {
            long nextProbe = m.rejectHint();
            if (m.logTerm() > 0) {
                // Fast back-off: skip every entry of ours whose term is above the follower's term at the hint.
                nextProbe = log.findConflictByTerm(m.rejectHint(), m.logTerm())[0];
            }
            if (progress.maybeDecreaseTo(m.index(), nextProbe)) {
                if (progress.state() == ProgressState.REPLICATE) {
                    progress.becomeProbe();
                }
                sendAppend(m.from());
            }
            return;
        }
        // a follower probed but already caught up goes back to replicating on an ack of its match.
        boolean progressed = progress.maybeUpdate(m.index())
                || (progress.match() == m.index() && progress.state() == ProgressState.PROBE);
        if (!progressed) {
            return;
        }
        switch (progress.state()) {
            case PROBE -> progress.becomeReplicate();
            // a follower that caught up through a snapshot (at any index we still have after it) resumes.
            case SNAPSHOT -> {
                if (progress.match() + 1 >= log.firstIndex()) {
                    progress.becomeProbe();
                    progress.becomeReplicate();
                }
            }
            case REPLICATE -> progress.inflights().freeLe(m.index());
        }
        if (maybeCommit()) {
            releasePendingReadIndexMessages();
            broadcastAppend();
        } else if (m.from() != id && progress.canBumpCommit(log.committed())) {
            sendAppend(m.from());
        }
        if (m.from() != id) {
            // Flow control may now allow several appends at once; send them all (but no empty ones).
            while (maybeSendAppend(m.from(), false)) {
                // keep sending
            }
        }
        if (m.from() == leadTransferee && progress.match() == log.lastIndex()) {
            sendTimeoutNow(m.from());
        }
    }

    private void handleHeartbeatResponse(Message m, Progress progress) {
        progress.setRecentActive(true);
        progress.recordLeaseTick(m.leaderTick());
        progress.resumeFlow();
        // a paused stream or a follower behind on entries or on the commit index gets an append now,
        // so dropped appends are retried and a lagging commit index is learned. R-21: a caught-up follower left in
        // PROBE (e.g. after reportUnreachable) gets one too — empty — whose ack returns it to REPLICATE; without it,
        // it stayed in PROBE until the next proposal (found by RaftReplicationScenarioTest.r21_...).
        if (progress.match() < log.lastIndex() || progress.canBumpCommit(log.committed())
                || progress.state() == ProgressState.PROBE) {
            sendAppend(m.from());
        }
        if (m.context() == 0) {
            return;
        }
        readIndexQueue.ack(m.from(), m.context());
        for (ReadIndexQueue.Pending confirmed : readIndexQueue.releaseConfirmed(
                acks -> tracker.config().voters().voteResult(votesOf(acks)) == VoteResult.WON)) {
            respondToReadIndex(confirmed.request(), confirmed.index());
        }
    }

    private static java.util.Map<Long, Boolean> votesOf(Set<Long> acks) {
        java.util.Map<Long, Boolean> votes = new java.util.HashMap<>();
        acks.forEach(voter -> votes.put(voter, true));
        return votes;
    }

    private void handleTransferLeader(long transferee, Progress progress) {
        if (progress.isLearner()) {
            return;
        }
        if (leadTransferee != NONE) {
            if (leadTransferee == transferee) {
                return;
            }
            abortLeaderTransfer();
        }
        if (transferee == id) {
            return;
        }
        // The transfer must finish within an election timeout, or it is abandoned.
        electionElapsed = 0;
        leadTransferee = transferee;
        if (progress.match() == log.lastIndex()) {
            sendTimeoutNow(transferee);
        } else {
            sendAppend(transferee);
        }
    }

    private void handleReadIndexAsLeader(Message m) {
        if (plantedBugs.contains(PlantedBug.READ_WITHOUT_LEADERSHIP_CHECK) || tracker.isSingleton()) {
            respondToReadIndex(m, log.committed());
            return;
        }
        // a new leader's commit index may lag the old leader's until it commits an entry of its own term.
        if (log.termOrZero(log.committed()) != term) {
            pendingReadIndexMessages.add(m);
            return;
        }
        answerReadIndex(m);
    }

    private void answerReadIndex(Message m) {
        if (readOnlyOption == ReadOnlyOption.LEASE_BASED && holdsLease()) {
            respondToReadIndex(m, log.committed());
            return;
        }
        // Safe reads, or a lease that may have run out: confirm leadership with a heartbeat round.
        long sequence = readIndexQueue.add(log.committed(), m);
        readIndexQueue.ack(id, sequence);
        broadcastHeartbeat();
    }

    /**
     * Whether no other leader can exist now. Every follower that answered a message this leader sent at tick t
     * reset its election timer on receiving it, and with check-quorum refuses votes for an election timeout after —
     * so no rival can win a quorum's votes before t + electionTimeout. The lease runs from the newest tick a quorum
     * confirmed, less a margin of two ticks for the phase between the members' tick timers (tick rates are assumed
     * equal: the clock-drift bound lease reads rely on). A leadership transfer ends the lease at once: the
     * transferee campaigns without waiting.
     */
    private boolean holdsLease() {
        if (leadTransferee != NONE) {
            return false;
        }
        long quorumTick = tracker.config().voters().committedIndex(voter -> {
            if (voter == id) {
                return leaderTicks;
            }
            Progress progress = tracker.progress(voter);
            return progress == null ? -1 : progress.leaseTick();
        });
        return quorumTick >= 0 && leaderTicks - quorumTick < electionTimeout - LEASE_MARGIN_TICKS;
    }

    private void releasePendingReadIndexMessages() {
        if (pendingReadIndexMessages.isEmpty() || log.termOrZero(log.committed()) != term) {
            return;
        }
        List<Message> waiting = new ArrayList<>(pendingReadIndexMessages);
        pendingReadIndexMessages.clear();
        waiting.forEach(this::answerReadIndex);
    }

    private void respondToReadIndex(Message request, long index) {
        if (request.from() == NONE || request.from() == id) {
            readStates.add(new ReadState(index, request.entries().get(0).data()));
        } else {
            send(Message.builder(MessageType.READ_INDEX_RESP).to(request.from()).index(index)
                    .entries(request.entries()).build());
        }
    }

    private void stepCandidate(Message m) {
        MessageType myVoteResponse = state == StateRole.PRE_CANDIDATE ? MessageType.PRE_VOTE_RESP
                : MessageType.VOTE_RESP;
        switch (m.type()) {
            case PROP -> throw new ProposalDroppedException("no leader (campaigning)");
            case APP -> {
                becomeFollower(m.term(), m.from());
                handleAppendEntries(m);
            }
            case HEARTBEAT -> {
                becomeFollower(m.term(), m.from());
                handleHeartbeat(m);
            }
            case SNAP -> {
                becomeFollower(m.term(), m.from());
                handleSnapshot(m);
            }
            default -> {
                if (m.type() != myVoteResponse) {
                    return;
                }
                learnCommit(m);
                if (state == StateRole.FOLLOWER) {
                    return;
                }
                VoteResult result = poll(m.from(), !m.reject());
                if (result == VoteResult.WON) {
                    if (state == StateRole.PRE_CANDIDATE) {
                        campaign(false, false);
                    } else {
                        becomeLeader();
                        broadcastAppend();
                    }
                } else if (result == VoteResult.LOST) {
                    // A rejection at a higher term already made us a follower of it (in step).
                    becomeFollower(term, NONE);
                }
            }
        }
    }

    private void stepFollower(Message m) {
        switch (m.type()) {
            case PROP -> {
                if (lead == NONE) {
                    throw new ProposalDroppedException("no leader");
                }
                if (disableProposalForwarding) {
                    throw new ProposalDroppedException("not the leader, and forwarding is disabled");
                }
                send(m.toBuilder().to(lead).build());
            }
            case APP -> {
                electionElapsed = 0;
                lead = m.from();
                handleAppendEntries(m);
            }
            case HEARTBEAT -> {
                electionElapsed = 0;
                lead = m.from();
                handleHeartbeat(m);
            }
            case SNAP -> {
                electionElapsed = 0;
                lead = m.from();
                handleSnapshot(m);
            }
            case TRANSFER_LEADER -> {
                if (lead != NONE) {
                    send(m.toBuilder().to(lead).build());
                }
            }
            case FORGET_LEADER -> {
                // under lease reads the old leader may still serve reads; forgetting it would allow a new
                // leader within its lease.
                if (readOnlyOption != ReadOnlyOption.LEASE_BASED) {
                    lead = NONE;
                }
            }
            case TIMEOUT_NOW -> hup(true);
            case READ_INDEX -> {
                if (lead != NONE) {
                    send(m.toBuilder().to(lead).build());
                }
            }
            case READ_INDEX_RESP -> {
                if (m.entries().size() == 1) {
                    readStates.add(new ReadState(m.index(), m.entries().get(0).data()));
                }
            }
            default -> {
            }
        }
    }

    // ---- follower side of replication

    private void handleAppendEntries(Message m) {
        if (m.index() < log.committed()) {
            send(Message.builder(MessageType.APP_RESP).to(m.from()).index(log.committed())
                    .leaderTick(m.leaderTick()).build());
            return;
        }
        OptionalLong lastNew = log.maybeAppend(m.index(), m.logTerm(), m.commit(), m.entries());
        if (lastNew.isPresent()) {
            send(Message.builder(MessageType.APP_RESP).to(m.from()).index(lastNew.getAsLong())
                    .leaderTick(m.leaderTick()).build());
            return;
        }
        // Our log does not match at m.index(). Hint where it might: the last index at or below it whose term is
        // at most the leader's term there — everything above it certainly differs.
        long[] hint = log.findConflictByTerm(Math.min(m.index(), log.lastIndex()), m.logTerm());
        send(Message.builder(MessageType.APP_RESP).to(m.from()).index(m.index()).reject(true).rejectHint(hint[0])
                .logTerm(hint[1]).leaderTick(m.leaderTick()).build());
    }

    private void handleHeartbeat(Message m) {
        // The leader sends min(our match, its commit), so this never commits past what we hold.
        log.commitTo(m.commit());
        send(Message.builder(MessageType.HEARTBEAT_RESP).to(m.from()).context(m.context())
                .leaderTick(m.leaderTick()).build());
    }

    private void handleSnapshot(Message m) {
        Snapshot snapshot = m.snapshot() == null ? Snapshot.EMPTY : m.snapshot();
        if (restore(snapshot)) {
            send(Message.builder(MessageType.APP_RESP).to(m.from()).index(log.lastIndex()).build());
        } else {
            send(Message.builder(MessageType.APP_RESP).to(m.from()).index(log.committed()).build());
        }
    }

    /** Installs a snapshot from the leader; returns false when it brings nothing new. */
    private boolean restore(Snapshot snapshot) {
        if (snapshot.index() <= log.committed()) {
            return false;
        }
        if (state != StateRole.FOLLOWER) {
            // Defence in depth: only a follower installs snapshots.
            becomeFollower(term + 1, NONE);
            return false;
        }
        ConfState confState = snapshot.metadata().confState();
        if (!confState.includes(id)) {
            // Defence in depth: a snapshot of a configuration we are not part of is of no use to us.
            return false;
        }
        if (log.matchTerm(snapshot.index(), snapshot.term())) {
            // We already hold the snapshot's last entry: just move the commit index up.
            log.commitTo(snapshot.index());
            return false;
        }
        log.restore(snapshot);
        switchToConfig(Changer.restore(tracker.emptyCopy(), log.lastIndex(), confState));
        return true;
    }

    // ---- leader side of replication

    private boolean appendEntries(List<Entry> entries) {
        long last = log.lastIndex();
        List<Entry> placed = new ArrayList<>(entries.size());
        for (int i = 0; i < entries.size(); i++) {
            placed.add(entries.get(i).at(term, last + 1 + i));
        }
        long size = Entry.payloadSize(placed);
        // without a quorum the log must not grow without bound. (The first proposal always gets through.)
        if (uncommittedSize > 0 && size > 0 && uncommittedSize + size > maxUncommittedSize) {
            return false;
        }
        uncommittedSize += size;
        long newLast = log.append(placed);
        // The leader's own copy counts towards the quorum; the Ready that persists it precedes any message that
        // could bring the acknowledgements completing a quorum (see RawNode).
        tracker.progress(id).maybeUpdate(newLast);
        maybeCommit();
        return true;
    }

    /** Advances the commit index to what a quorum of voters holds, if that entry is of this leader's term. */
    private boolean maybeCommit() {
        long quorumIndex = tracker.committed();
        if (plantedBugs.contains(PlantedBug.COMMIT_PREVIOUS_TERM_BY_COUNTING)) {
            if (quorumIndex > log.committed() && quorumIndex <= log.lastIndex()) {
                log.commitTo(quorumIndex);
                return true;
            }
            return false;
        }
        return log.maybeCommit(quorumIndex, term);
    }

    private void broadcastAppend() {
        tracker.visit((peer, progress) -> {
            if (peer != id) {
                sendAppend(peer);
            }
        });
    }

    private void sendAppend(long to) {
        maybeSendAppend(to, true);
    }

    /**
     * Sends {@code to} the entries it needs next (or a snapshot when those were compacted away); with
     * {@code sendIfEmpty} also an empty append, which carries the commit index. Returns whether it sent anything.
     */
    private boolean maybeSendAppend(long to, boolean sendIfEmpty) {
        Progress progress = tracker.progress(to);
        if (progress.isPaused()) {
            return false;
        }
        long prevIndex = progress.next() - 1;
        long prevTerm;
        List<Entry> entries = List.of();
        try {
            prevTerm = log.term(prevIndex);
            // A throttled stream sends only empty appends, so that acks or rejections still flow.
            if (progress.state() != ProgressState.REPLICATE || !progress.inflights().full()) {
                entries = log.entries(progress.next(), maxMsgSize);
            }
        } catch (Storage.CompactedException | Storage.UnavailableException e) {
            // what the follower needs was compacted: it gets a snapshot, not an endless probe.
            return maybeSendSnapshot(to, progress);
        }
        if (entries.isEmpty() && !sendIfEmpty) {
            return false;
        }
        send(Message.builder(MessageType.APP).to(to).index(prevIndex).logTerm(prevTerm).entries(entries)
                .commit(log.committed()).leaderTick(leaderTicks).build());
        progress.recordSentCommit(Math.min(log.committed(), prevIndex + entries.size()));
        progress.onEntriesSent(entries.size(), Entry.payloadSize(entries));
        return true;
    }

    private boolean maybeSendSnapshot(long to, Progress progress) {
        if (!progress.recentActive()) {
            return false;
        }
        Snapshot snapshot;
        try {
            snapshot = log.snapshot();
        } catch (Storage.SnapshotTemporarilyUnavailableException e) {
            return false;
        }
        if (snapshot.isEmpty()) {
            throw new IllegalStateException("need a non-empty snapshot to catch up " + to);
        }
        progress.becomeSnapshot(snapshot.index());
        send(Message.builder(MessageType.SNAP).to(to).snapshot(snapshot).build());
        return true;
    }

    private void broadcastHeartbeat() {
        long sequence = readIndexQueue.lastSequence();
        tracker.visit((peer, progress) -> {
            if (peer != id) {
                // Never tell a follower a commit index beyond what it is known to hold.
                long commit = Math.min(progress.match(), log.committed());
                progress.recordSentCommit(commit);
                send(Message.builder(MessageType.HEARTBEAT).to(peer).commit(commit).context(sequence)
                        .leaderTick(leaderTicks).build());
            }
        });
    }

    private void sendTimeoutNow(long to) {
        send(Message.builder(MessageType.TIMEOUT_NOW).to(to).build());
    }

    private void send(Message m) {
        Message.Builder builder = m.toBuilder();
        if (m.from() == NONE) {
            builder.from(id);
        }
        boolean vote = m.type() == MessageType.VOTE || m.type() == MessageType.VOTE_RESP
                || m.type() == MessageType.PRE_VOTE || m.type() == MessageType.PRE_VOTE_RESP;
        if (vote) {
            if (m.term() == 0) {
                throw new IllegalStateException("vote message without a term: " + m);
            }
        } else if (m.type() != MessageType.PROP && m.type() != MessageType.READ_INDEX) {
            // Proposals and read requests forwarded to the leader carry no term: they are local to it.
            builder.term(term);
        }
        messages.add(builder.build());
    }

    // ---- application feedback

    /** The application applied entries up to {@code index}. */
    void appliedTo(long index) {
        long applied = Math.max(index, log.applied());
        log.appliedTo(applied);
        if (tracker.config().autoLeave() && applied >= pendingConfIndex && state == StateRole.LEADER) {
            // The joint configuration was entered with auto-leave and is now applied: propose leaving it. The empty
            // change has no payload, so the uncommitted-size limit can never refuse it.
            step(Message.builder(MessageType.PROP).from(id).entries(List.of(Entry.confChange(ConfChange.leaveJoint())))
                    .build());
        }
    }

    void reduceUncommittedSize(long size) {
        uncommittedSize = size > uncommittedSize ? 0 : uncommittedSize - size;
    }

    /** Applies a committed membership change; returns the configuration now in force. */
    ConfState applyConfChange(ConfChange change) {
        Changer changer = new Changer(tracker, log.lastIndex());
        Changer.Result result;
        if (change.isLeaveJoint()) {
            result = changer.leaveJoint();
        } else if (change.entersJoint()) {
            result = changer.enterJoint(change.autoLeave(), change.changes());
        } else {
            result = changer.simple(change.changes());
        }
        return switchToConfig(result);
    }

    private ConfState switchToConfig(Changer.Result result) {
        tracker.install(result.config(), result.progress());
        ConfState confState = tracker.confState();
        Progress self = tracker.progress(id);
        isLearner = self != null && self.isLearner();
        if ((self == null || isLearner) && state == StateRole.LEADER) {
            // a removed (or demoted) leader must not keep leading: it would count itself no more, and could
            // wedge the group with heartbeats.
            if (stepDownOnRemoval) {
                becomeFollower(term, NONE);
            }
            return confState;
        }
        if (state != StateRole.LEADER || confState.voters().isEmpty()) {
            return confState;
        }
        if (maybeCommit()) {
            // The new configuration may have a smaller quorum: more may be committed now.
            broadcastAppend();
        } else {
            // Probe new members at once rather than after a heartbeat interval.
            tracker.visit((peer, progress) -> {
                if (peer != id) {
                    maybeSendAppend(peer, false);
                }
            });
        }
        if (leadTransferee != NONE && !tracker.config().voters().contains(leadTransferee)) {
            abortLeaderTransfer();
        }
        return confState;
    }

    private void loadState(HardState state) {
        if (state.commit() < log.committed() || state.commit() > log.lastIndex()) {
            throw new IllegalStateException("hard state commit " + state.commit() + " is out of range ["
                    + log.committed() + ", " + log.lastIndex() + "]");
        }
        log.commitTo(state.commit());
        term = state.term();
        vote = state.vote();
    }

    @Override
    public String toString() {
        return "raft[" + id + " " + state + " term=" + term + " vote=" + vote + " lead=" + lead + " " + log + " "
                + tracker.config() + "]";
    }
}
