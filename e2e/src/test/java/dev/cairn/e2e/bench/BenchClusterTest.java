package dev.cairn.e2e.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BenchClusterTest {

    @Test
    void aFailedStartIsSummedUpByItsFirstLineAndTheServersLastWord() {
        assertThat(BenchCluster.summary("KVNODE exited with 1 before serving; log /x/m0.log:\nstarting\n"
                + "kvnode: --initial-cluster lists 3 members\n\n")).isEqualTo(
                        "KVNODE exited with 1 before serving; log /x/m0.log … kvnode: --initial-cluster lists 3 members");
        assertThat(BenchCluster.summary("no leader")).isEqualTo("no leader");
        assertThat(BenchCluster.summary(null)).isEmpty();
    }
}
