package dev.cairn.kvnode.mvcc;

import static dev.cairn.kvnode.mvcc.StoreFixture.apply;
import static dev.cairn.kvnode.mvcc.StoreFixture.everything;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A store replaced wholesale by a snapshot image, as a follower too far behind the leader is. */
class MvccRestoreTest {
    @TempDir
    Path dir;

    @Test
    void aRestoredStoreHoldsExactlyTheImageAndGoesOnFromIt() throws IOException {
        long seed = new Random().nextLong();
        Random random = new Random(seed);
        byte[] leaderImage;
        List<dev.cairn.kvnode.proto.mvccpb.KeyValue> leaderState;
        long leaderRevision;
        int leaderEntries = 300;
        try (MvccStore leader = MvccStore.open(dir.resolve("leader.db"))) {
            List<StoreFixture.Op> ops = StoreFixture.randomOps(random, leaderEntries, 20);
            for (int i = 0; i < ops.size(); i++) {
                apply(leader, ops.get(i), i + 1);
            }
            leader.compact(leader.currentRevision() / 2, new ApplyPosition(leaderEntries + 1, 1)).join();
            leaderRevision = leader.currentRevision();
            leaderState = everything(leader, 0);
            leaderImage = bytes(leader.captureImage());
        }
        Path followerFile = dir.resolve("follower.db");
        try (MvccStore follower = MvccStore.open(followerFile)) {
            for (int i = 0; i < 50; i++) {
                apply(follower, new StoreFixture.Op("stale-" + i, "x"), i + 1);
            }
            StoreImage capturedBefore = follower.captureImage();

            follower.restore(new ByteArrayInputStream(leaderImage));

            assertThat(everything(follower, 0)).as("seed %d", seed).isEqualTo(leaderState);
            assertThat(follower.currentRevision()).isEqualTo(leaderRevision);
            assertThat(follower.applied()).isEqualTo(new ApplyPosition(leaderEntries + 1, 1));
            assertThat(follower.compactRevision()).isEqualTo(leaderRevision / 2);
            assertThatThrownBy(() -> bytes(capturedBefore)).as("its changes are gone")
                    .hasMessageContaining("replaced by a snapshot");
            apply(follower, new StoreFixture.Op("after", "restore"), leaderEntries + 2);
            assertThat(follower.currentRevision()).isEqualTo(leaderRevision + 1);
        }
        try (MvccStore reopened = MvccStore.open(followerFile)) {
            assertThat(reopened.currentRevision()).isEqualTo(leaderRevision + 1);
            assertThat(everything(reopened, leaderRevision)).as("seed %d", seed).isEqualTo(leaderState);
        }
    }

    private static byte[] bytes(StoreImage image) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        image.writeTo(out);
        return out.toByteArray();
    }
}
