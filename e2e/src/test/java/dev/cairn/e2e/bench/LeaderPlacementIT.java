package dev.cairn.e2e.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.e2e.bench.ServerProcess.Kind;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The bench's leader placement against both real servers: three members each, the leadership put on the last member
 * and then on the second, every member agreeing on the new leader each time; a second placement where the leader
 * already is moves nothing.
 */
class LeaderPlacementIT {
    private static final Path KVNODE_JAR = Path.of(System.getProperty("kvnode.jar", "../kvnode/target/kvnode.jar"))
            .toAbsolutePath().normalize();

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Kind.class)
    void leadershipGoesToTheChosenMemberAndStaysThere(Kind kind) throws Exception {
        try (LocalCluster cluster = LocalCluster.start(kind, 3, dir, KVNODE_JAR, 120)) {
            for (int target : new int[] {2, 1}) {
                cluster.leadOn(target, 60);
                long targetId = LeaderPlacement.status(cluster.members().get(target)).getHeader().getMemberId();
                assertThat(leadersSeen(cluster.members())).as("leader seen by each member").containsOnly(targetId);

                LeaderPlacement.Outcome again = cluster.leadOn(target, 60);
                assertThat(again.moved()).isFalse();
                assertThat(again.leaderBefore()).isEqualTo(targetId);
            }
        }
    }

    /** Each member's view, polled until all have heard of the last election (a follower learns of it late). */
    private static List<Long> leadersSeen(List<ServerProcess> members) throws InterruptedException {
        long giveUp = System.nanoTime() + 30_000_000_000L;
        List<Long> seen;
        do {
            seen = members.stream().map(m -> LeaderPlacement.status(m).getLeader()).toList();
            if (seen.stream().distinct().count() == 1) {
                return seen;
            }
            Thread.sleep(20);
        } while (System.nanoTime() < giveUp);
        return seen;
    }
}
