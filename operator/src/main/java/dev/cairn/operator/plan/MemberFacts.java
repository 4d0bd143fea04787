package dev.cairn.operator.plan;

/**
 * One entry of the cluster's member list, with what its own status said. The caller maps the member to its ordinal
 * through the peer-URL convention ({@code <name>-<ordinal>.<name>-peer...}), which holds even before the member has
 * started and has a name.
 *
 * @param started      the member has started and announced its name (a freshly added learner has not)
 * @param healthy      it answered its status call without errors
 * @param appliedIndex its Raft applied index, compared against the leader's to judge whether it has caught up
 */
public record MemberFacts(long id, int ordinal, boolean learner, boolean started, boolean healthy,
        long appliedIndex) {

    public static MemberFacts voter(long id, int ordinal, long appliedIndex) {
        return new MemberFacts(id, ordinal, false, true, true, appliedIndex);
    }

    public static MemberFacts learner(long id, int ordinal, long appliedIndex) {
        return new MemberFacts(id, ordinal, true, true, true, appliedIndex);
    }

    public MemberFacts unhealthy() {
        return new MemberFacts(id, ordinal, learner, started, false, appliedIndex);
    }

    public MemberFacts notStarted() {
        return new MemberFacts(id, ordinal, learner, false, false, 0);
    }

    public boolean voter() {
        return !learner;
    }

    public boolean healthyVoter() {
        return voter() && healthy;
    }
}
