package dev.cairn.kvnode.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cairn.kvnode.testing.ClusterProcesses;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster version on real processes, through a rolling upgrade by hand: three members run "0.1.0" (the image
 * tag, as the local control plane names it), are restarted one by one on "0.1.1", and the cluster version follows
 * only once the last one runs it; then a member started on "0.1.0" again is refused.
 */
class ClusterVersionIT {
    private static final String OLD = "cairn/kvnode:0.1.0";
    private static final String NEW = "cairn/kvnode:0.1.1";
    private static final Pattern FIELD = Pattern.compile("\"(\\w+)\":\"([^\"]*)\"");
    /** Several of the leader's checks (one a second): long enough for a wrong raise to show. */
    private static final Duration HOLDS_FOR = Duration.ofSeconds(3);

    @TempDir
    Path dir;

    @Test
    void theClusterVersionRisesOnlyOnceEveryMemberRunsTheNewReleaseAndNeverLetsAnOldOneBackIn() throws Exception {
        try (ClusterProcesses cluster = ClusterProcesses.prepare(dir, 3, List.of())) {
            cluster.nodes().forEach(node -> cluster.runAs(node, OLD));
            cluster.startAll();
            awaitClusterVersion(cluster, "0.1.0");
            ClusterProcesses.Node first = cluster.node(0);
            assertThat(field(cluster, first, "etcdserver")).contains("3.5.13");
            assertThat(field(cluster, first, "etcdcluster")).contains("3.5.0");
            assertThat(field(cluster, first, "cairn")).contains("0.1.0");
            assertThat(cluster.metric(first, "cairn_cluster_version{version=\"0.1.0\"}")).contains(1.0);
            assertThat(cluster.metric(first, "etcd_cluster_version{cluster_version=\"3.5\"}")).contains(1.0);

            for (ClusterProcesses.Node node : cluster.nodes()) {
                assertThat(cluster.stop(node)).isZero();
                cluster.runAs(node, NEW);
                cluster.restart(node);
                assertThat(field(cluster, node, "cairn")).contains("0.1.1");
                if (node != cluster.node(2)) {
                    awaitPublished(node, "0.1.1");
                    await(node.name() + " on 0.1.1 with a member still on 0.1.0: the cluster version stays 0.1.0")
                            .during(HOLDS_FOR).atMost(HOLDS_FOR.multipliedBy(2))
                            .until(() -> everyMemberReports(cluster, "0.1.0"));
                }
            }
            awaitClusterVersion(cluster, "0.1.1");
            assertThat(cluster.metric(first, "cairn_cluster_version{version=\"0.1.1\"}")).contains(1.0);
            assertThat(cluster.metric(first, "cairn_cluster_version{version=\"0.1.0\"}")).isEmpty();

            ClusterProcesses.Node downgraded = cluster.node(1);
            assertThat(cluster.stop(downgraded)).isZero();
            cluster.runAs(downgraded, OLD);
            assertThat(cluster.restartExpectingExit(downgraded)).isEqualTo(1);
            assertThat(Files.readString(downgraded.log()))
                    .contains("this member runs Cairn 0.1.0, below the cluster version 0.1.1");

            // Refused, not damaged: on the new release again it rejoins with its data.
            cluster.runAs(downgraded, NEW);
            cluster.restart(downgraded);
            awaitClusterVersion(cluster, "0.1.1");
        }
    }

    private static void awaitClusterVersion(ClusterProcesses cluster, String version) {
        await("every member reports cluster version " + version).atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200)).until(() -> everyMemberReports(cluster, version));
    }

    private static boolean everyMemberReports(ClusterProcesses cluster, String version) {
        return cluster.nodes().stream().allMatch(node -> field(cluster, node, "cairnCluster")
                .equals(Optional.of(version)));
    }

    /** The member's release is applied once its publisher logs it (it logs after the entry was applied). */
    private static void awaitPublished(ClusterProcesses.Node node, String version) {
        await(node.name() + " published release " + version).atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200)).until(() -> Files.readString(node.log()).lines()
                        .filter(line -> line.contains("published attributes name=" + node.name() + " "))
                        .anyMatch(line -> line.contains("cairn_version=" + version)));
    }

    private static Optional<String> field(ClusterProcesses cluster, ClusterProcesses.Node node, String name) {
        return cluster.httpGet(node, "/version").flatMap(body -> {
            Matcher matcher = FIELD.matcher(body);
            while (matcher.find()) {
                if (matcher.group(1).equals(name)) {
                    return Optional.of(matcher.group(2));
                }
            }
            return Optional.empty();
        });
    }
}
