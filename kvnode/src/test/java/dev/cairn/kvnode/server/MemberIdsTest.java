package dev.cairn.kvnode.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class MemberIdsTest {

    /** etcd started with no flags at all prints these two ids; every etcd user has seen them. */
    @Test
    void theDefaultSingleMemberGetsEtcdsWellKnownIds() {
        long member = MemberIds.memberId(List.of("http://localhost:2380"), "etcd-cluster");

        assertThat(MemberIds.toHex(member)).isEqualTo("8e9e05c52164694d");
        assertThat(MemberIds.toHex(MemberIds.clusterId(List.of(member)))).isEqualTo("cdf818194e3a8c32");
    }

    @Test
    void peerUrlOrderDoesNotMatter() {
        assertThat(MemberIds.memberId(List.of("http://b:2380", "http://a:2380"), "t"))
                .isEqualTo(MemberIds.memberId(List.of("http://a:2380", "http://b:2380"), "t"));
    }

    @Test
    void theTokenSeparatesClusters() {
        assertThat(MemberIds.memberId(List.of("http://a:2380"), "one"))
                .isNotEqualTo(MemberIds.memberId(List.of("http://a:2380"), "two"));
    }

    @Test
    void clusterIdSortsMembersAsUnsignedNumbers() {
        long high = 0x8000000000000001L;
        long low = 0x0000000000000002L;

        assertThat(MemberIds.clusterId(List.of(high, low))).isEqualTo(MemberIds.clusterId(List.of(low, high)));
    }
}
