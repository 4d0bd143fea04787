package dev.cairn.kvnode.raft;

/**
 * One client operation of a simulation, as the client saw it: a put of a unique value or a get, called and
 * returned at simulated times. An operation whose outcome the client never learned returns at Long.MAX_VALUE.
 */
record SimOperation(int client, boolean isPut, String key, String value, long call, long returned) {
    static final long UNKNOWN = Long.MAX_VALUE;

    boolean completed() {
        return returned != UNKNOWN;
    }
}
