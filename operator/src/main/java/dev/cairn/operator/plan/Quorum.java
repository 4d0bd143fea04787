package dev.cairn.operator.plan;

/**
 * The quorum rule the planner never breaks. Raft commits an entry, including a configuration change, only when a
 * majority of the voters acknowledge it, so a cluster whose healthy voters drop below a majority stops serving
 * writes and cannot even commit the change that would repair it. The rule therefore counts the members that are
 * unhealthy <em>now</em>, not the configured size: a 5-member cluster with two members down has no room left for a
 * restart.
 */
final class Quorum {

    private Quorum() {
    }

    /** A majority of {@code voters}; for an even size that is half plus one, which is why even sizes buy nothing. */
    static int of(int voters) {
        return voters / 2 + 1;
    }

    /**
     * Removing a voter needs a majority twice: of the current configuration, to commit the removal, and of the
     * remaining configuration, among the healthy voters that stay, so the cluster still works afterwards.
     */
    static boolean survivesRemoval(int voters, long healthyVoters, boolean removedIsHealthy) {
        long healthyRemaining = healthyVoters - (removedIsHealthy ? 1 : 0);
        return healthyVoters >= of(voters) && healthyRemaining >= of(voters - 1);
    }

    /** Restarting a healthy voter takes it away for a while, without changing the configuration. */
    static boolean survivesRestart(int voters, long healthyVoters, boolean restartedIsHealthy) {
        return healthyVoters - (restartedIsHealthy ? 1 : 0) >= of(voters);
    }

    /**
     * Promoting a learner grows the configuration by one voter; the larger configuration's majority must be healthy
     * (the learner counted) or the promotion itself would leave the cluster without quorum.
     */
    static boolean survivesPromotion(int voters, long healthyVoters, boolean learnerIsHealthy) {
        return healthyVoters >= of(voters) && healthyVoters + (learnerIsHealthy ? 1 : 0) >= of(voters + 1);
    }
}
