package dev.cairn.kvnode.raft;

/**
 * Known ways to break Raft, planted one at a time by the simulator's own tests to prove that it notices. Production
 * code never sets any: {@link Raft#plant} is package-private and only tests call it.
 */
enum PlantedBug {
    /** Grant votes without checking that the candidate's log is at least as up to date. */
    VOTE_WITHOUT_UP_TO_DATE_CHECK,
    /** Commit an entry of a previous term by counting its replicas (the Figure 8 bug). */
    COMMIT_PREVIOUS_TERM_BY_COUNTING,
    /** Answer a read index at once from the commit index, without confirming leadership. */
    READ_WITHOUT_LEADERSHIP_CHECK
}
