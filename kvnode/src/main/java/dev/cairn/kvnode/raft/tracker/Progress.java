package dev.cairn.kvnode.raft.tracker;

/**
 * What the leader knows of one follower's log: {@code match}, the highest index known to be replicated there, and
 * {@code next}, the next index to send. Invariant: {@code next > match}.
 */
public final class Progress {
    private long match;
    private long next;
    private ProgressState state = ProgressState.PROBE;
    /** While in SNAPSHOT: the index of the snapshot sent. */
    private long pendingSnapshot;
    /** Whether the follower was heard from since the last check-quorum round. */
    private boolean recentActive;
    /** Set after an append in PROBE, or when the inflights window is full: send nothing until told. */
    private boolean msgAppFlowPaused;
    private boolean learner;
    /** The commit index most recently sent to this follower (capped by what that message covered). */
    private long sentCommit;
    /** The newest leader tick at which a message reached this follower (as its answer says); -1 for none yet. */
    private long leaseTick = -1;
    private final Inflights inflights;

    public Progress(long match, long next, Inflights inflights, boolean learner) {
        this.match = match;
        this.next = next;
        this.inflights = inflights;
        this.learner = learner;
    }

    /**
     * A copy for a configuration change to edit (it only ever changes the learner flag); the window of appends in
     * flight is the same one, since only one of the two copies stays in use.
     */
    public Progress copy() {
        Progress copy = new Progress(match, next, inflights, learner);
        copy.state = state;
        copy.pendingSnapshot = pendingSnapshot;
        copy.recentActive = recentActive;
        copy.msgAppFlowPaused = msgAppFlowPaused;
        copy.leaseTick = leaseTick;
        copy.sentCommit = sentCommit;
        return copy;
    }

    public long match() {
        return match;
    }

    public void setMatch(long value) {
        match = value;
    }

    public long next() {
        return next;
    }

    public ProgressState state() {
        return state;
    }

    public long pendingSnapshot() {
        return pendingSnapshot;
    }

    public void clearPendingSnapshot() {
        pendingSnapshot = 0;
    }

    public boolean recentActive() {
        return recentActive;
    }

    public void setRecentActive(boolean value) {
        recentActive = value;
    }

    public long leaseTick() {
        return leaseTick;
    }

    /** The follower answered a message the leader sent at {@code tick}: it heard from the leader no earlier. */
    public void recordLeaseTick(long tick) {
        leaseTick = Math.max(leaseTick, tick);
    }

    public boolean isLearner() {
        return learner;
    }

    public void setLearner(boolean value) {
        learner = value;
    }

    public Inflights inflights() {
        return inflights;
    }

    public void pauseFlow() {
        msgAppFlowPaused = true;
    }

    public void resumeFlow() {
        msgAppFlowPaused = false;
    }

    public void becomeProbe() {
        // Whatever was in flight may be lost: assume the follower knows no more of the commit than it holds.
        sentCommit = Math.min(sentCommit, match);
        // After a snapshot, probe from past the snapshot: the follower has at least that much.
        if (state == ProgressState.SNAPSHOT) {
            long snapshot = pendingSnapshot;
            reset(ProgressState.PROBE);
            next = Math.max(match + 1, snapshot + 1);
        } else {
            reset(ProgressState.PROBE);
            next = match + 1;
        }
    }

    public void becomeReplicate() {
        reset(ProgressState.REPLICATE);
        next = match + 1;
    }

    public void becomeSnapshot(long snapshotIndex) {
        reset(ProgressState.SNAPSHOT);
        pendingSnapshot = snapshotIndex;
    }

    /** Accounts for an append of {@code entries} entries ({@code bytes} of payload) just sent. */
    public void onEntriesSent(int entries, long bytes) {
        switch (state) {
            case REPLICATE -> {
                if (entries > 0) {
                    next += entries;
                    inflights.add(next - 1, bytes);
                }
                msgAppFlowPaused = inflights.full();
            }
            case PROBE -> {
                if (entries > 0) {
                    msgAppFlowPaused = true;
                }
            }
            case SNAPSHOT -> throw new IllegalStateException("sending entries to a follower awaiting a snapshot");
        }
    }

    /** The follower acknowledged {@code index}; returns whether that was news. */
    public boolean maybeUpdate(long index) {
        boolean updated = false;
        if (match < index) {
            match = index;
            updated = true;
            msgAppFlowPaused = false;
        }
        next = Math.max(next, index + 1);
        return updated;
    }

    /**
     * The follower rejected an append after {@code rejected}, suggesting it matches at most {@code matchHint}.
     * Returns false for a stale rejection (one about an append this progress has moved past).
     */
    public boolean maybeDecreaseTo(long rejected, long matchHint) {
        if (state == ProgressState.REPLICATE) {
            if (rejected <= match) {
                return false;
            }
            next = match + 1;
            return true;
        }
        if (next - 1 != rejected) {
            return false;
        }
        next = Math.max(Math.min(rejected, matchHint + 1), match + 1);
        msgAppFlowPaused = false;
        return true;
    }

    /** Whether the leader should hold back appends to this follower for now. */
    public boolean isPaused() {
        return switch (state) {
            case PROBE, REPLICATE -> msgAppFlowPaused;
            case SNAPSHOT -> true;
        };
    }

    /** Whether the follower might not know {@code committed} yet and an append would tell it. */
    public boolean canBumpCommit(long committed) {
        return state != ProgressState.SNAPSHOT && sentCommit < committed;
    }

    /**
     * Records a commit index a message just told the follower, as far as it applies (a follower commits no further
     * than the last index the message covers). Only a hint for eager commit propagation: heartbeats repeat the
     * commit index anyway, so a message lost after this was recorded costs latency, never progress.
     */
    public void recordSentCommit(long commit) {
        sentCommit = Math.max(sentCommit, commit);
    }

    private void reset(ProgressState newState) {
        msgAppFlowPaused = false;
        pendingSnapshot = 0;
        state = newState;
        inflights.reset();
    }

    @Override
    public String toString() {
        return state + " match=" + match + " next=" + next + (learner ? " learner" : "")
                + (isPaused() ? " paused" : "") + (pendingSnapshot > 0 ? " pendingSnap=" + pendingSnapshot : "")
                + (recentActive ? "" : " inactive") + " inflight=" + inflights.count();
    }
}
