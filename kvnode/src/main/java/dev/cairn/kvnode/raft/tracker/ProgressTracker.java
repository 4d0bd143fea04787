package dev.cairn.kvnode.raft.tracker;

import dev.cairn.kvnode.raft.pb.ConfState;
import dev.cairn.kvnode.raft.quorum.VoteResult;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/**
 * The current configuration, a {@link Progress} for every member of it, and the votes of the election under way.
 * Members are visited in id order, so that everything Raft does with them is deterministic.
 */
public final class ProgressTracker {
    private final int maxInflight;
    private final long maxInflightBytes;
    private TrackerConfig config = TrackerConfig.EMPTY;
    private SortedMap<Long, Progress> progress = new TreeMap<>();
    private final Map<Long, Boolean> votes = new TreeMap<>();

    public ProgressTracker(int maxInflight, long maxInflightBytes) {
        this.maxInflight = maxInflight;
        this.maxInflightBytes = maxInflightBytes;
    }

    /** A tracker with the same flow-control limits and no members, to build a configuration from scratch. */
    public ProgressTracker emptyCopy() {
        return new ProgressTracker(maxInflight, maxInflightBytes);
    }

    public Inflights newInflights() {
        return new Inflights(maxInflight, maxInflightBytes);
    }

    public TrackerConfig config() {
        return config;
    }

    public SortedMap<Long, Progress> progress() {
        return progress;
    }

    public Progress progress(long id) {
        return progress.get(id);
    }

    /** Installs a configuration and its progress map together (they are computed together by the changer). */
    public void install(TrackerConfig newConfig, SortedMap<Long, Progress> newProgress) {
        config = newConfig;
        progress = newProgress;
    }

    public ConfState confState() {
        return new ConfState(config.voters().incoming().ids(), config.learners(), config.voters().outgoing().ids(),
                config.learnersNext(), config.autoLeave());
    }

    /** Whether this is one voter alone (who can decide everything by itself). */
    public boolean isSingleton() {
        return config.voters().incoming().size() == 1 && config.voters().outgoing().isEmpty();
    }

    /** The largest index replicated on a quorum of voters. */
    public long committed() {
        return config.voters().committedIndex(id -> {
            Progress p = progress.get(id);
            return p == null ? 0 : p.match();
        });
    }

    public void visit(BiConsumer<Long, Progress> visitor) {
        progress.forEach(visitor);
    }

    /** Whether the voters heard from during the last election timeout form a quorum. */
    public boolean quorumActive() {
        Map<Long, Boolean> active = new TreeMap<>();
        progress.forEach((id, p) -> {
            if (!p.isLearner()) {
                active.put(id, p.recentActive());
            }
        });
        return config.voters().voteResult(active) == VoteResult.WON;
    }

    public void resetVotes() {
        votes.clear();
    }

    /** Records a vote; a second vote from the same voter is ignored. */
    public void recordVote(long id, boolean granted) {
        votes.putIfAbsent(id, granted);
    }

    public VoteResult tallyVotes() {
        return config.voters().voteResult(votes);
    }

    public Map<Long, Boolean> votes() {
        return votes;
    }
}
