package dev.cairn.e2e.diff;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The counting that decides when a watch has printed enough, and the parsing that finds the leader. */
class WatchOutputTest {
    @Test
    void countsSimpleEventsIncludingPreviousValuesOnlyOnce() {
        // etcdctl watch --prev-kv: PUT, key, value (no prev), PUT, prev key, prev value, key, value, DELETE ...
        assertThat(WatchEvents.count("PUT\nw\na\nPUT\nw\na\nw\nb\nDELETE\nw\nb\nw\n\n")).isEqualTo(3);
        assertThat(WatchEvents.count("")).isZero();
    }

    @Test
    void countsJsonEventsButNotTheirPreviousValues() {
        assertThat(WatchEvents.count("{\"Events\":[{\"kv\":{\"key\":\"dzE=\"}},{\"type\":1,\"kv\":{\"key\":\"dzE=\"},"
                + "\"prev_kv\":{\"key\":\"dzE=\"}}]}")).isEqualTo(2);
    }

    @Test
    void findsTheEndpointWhoseMemberIdIsTheLeaderId() {
        String status = "[{\"Endpoint\":\"http://127.0.0.1:1\",\"Status\":{\"header\":{\"cluster_id\":9,"
                + "\"member_id\":11,\"revision\":1,\"raft_term\":2},\"version\":\"3.4.23\",\"leader\":22}},"
                + "{\"Endpoint\":\"http://127.0.0.1:2\",\"Status\":{\"header\":{\"cluster_id\":9,"
                + "\"member_id\":22,\"revision\":1,\"raft_term\":2},\"version\":\"3.4.23\",\"leader\":22}}]";

        assertThat(LeaderFinder.leaderAddress(status)).contains("http://127.0.0.1:2");
        assertThat(LeaderFinder.leaderAddress("Error: unknown service")).isEmpty();
    }
}
