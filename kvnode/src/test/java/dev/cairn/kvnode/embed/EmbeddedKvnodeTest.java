package dev.cairn.kvnode.embed;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.kvnode.server.ClusterIdentity;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKvnodeTest {
    @TempDir
    Path dir;

    @Test
    void aRestartedMemberKeepsTheIdsInItsLogWhateverItsBootstrapFlagsSayNow() throws Exception {
        ClusterIdentity first;
        try (EmbeddedKvnode node = EmbeddedKvnode.start(
                KvnodeConfig.singleMember("m", dir, "127.0.0.1", 0, 12380, -1))) {
            first = node.identity();
        }
        // A new peer URL would derive other ids; etcd ignores --initial-cluster once a member has data, and so do we.
        try (EmbeddedKvnode node = EmbeddedKvnode.start(
                KvnodeConfig.singleMember("m", dir, "127.0.0.1", 0, 12390, -1))) {
            assertThat(node.identity().memberId()).isEqualTo(first.memberId());
            assertThat(node.identity().clusterId()).isEqualTo(first.clusterId());
        }
        ClusterIdentity fresh = ClusterIdentity.bootstrap("m", java.util.Map.of("m",
                java.util.List.of(java.net.URI.create("http://127.0.0.1:12390"))), "etcd-cluster");
        assertThat(fresh.memberId()).as("the flags alone would have given another id").isNotEqualTo(first.memberId());
    }
}
