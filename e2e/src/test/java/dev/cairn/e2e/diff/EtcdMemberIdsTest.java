package dev.cairn.e2e.diff;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class EtcdMemberIdsTest {
    @Test
    void derivesTheIdsARealEtcdPrintedForItsMembersAndCluster() {
        // Printed by etcd 3.4.23 (member list, -w json) for three members bootstrapped with token "tok".
        long m1 = EtcdMemberIds.memberId(List.of("http://127.0.0.1:23801"), "tok");
        long m2 = EtcdMemberIds.memberId(List.of("http://127.0.0.1:23802"), "tok");
        long m3 = EtcdMemberIds.memberId(List.of("http://127.0.0.1:23803"), "tok");

        assertThat(Long.toHexString(m1)).isEqualTo("4036b1db24775ea0");
        assertThat(Long.toHexString(m2)).isEqualTo("2737ecedbf2a9065");
        assertThat(Long.toUnsignedString(m3)).isEqualTo("9272732848952112643");
        assertThat(Long.toHexString(EtcdMemberIds.clusterId(List.of(m3, m1, m2)))).isEqualTo("64d937c925e41b58");
    }

    @Test
    void etcdsWellKnownDefaultsForOneMemberOnTheDefaultUrls() {
        long id = EtcdMemberIds.memberId(List.of("http://localhost:2380"), "etcd-cluster");

        assertThat(Long.toHexString(id)).isEqualTo("8e9e05c52164694d");
        assertThat(Long.toHexString(EtcdMemberIds.clusterId(List.of(id)))).isEqualTo("cdf818194e3a8c32");
    }
}
