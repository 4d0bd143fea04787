package dev.cairn.kvnode.snap;

import static dev.cairn.kvnode.snap.SnapshotFixtures.JOINT;
import static dev.cairn.kvnode.snap.SnapshotFixtures.digest;
import static dev.cairn.kvnode.snap.SnapshotFixtures.flipBit;
import static dev.cairn.kvnode.snap.SnapshotFixtures.image;
import static dev.cairn.kvnode.snap.SnapshotFixtures.meta;
import static dev.cairn.kvnode.snap.SnapshotFixtures.truncate;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.kvnode.raft.pb.ConfState;
import dev.cairn.kvnode.raft.pb.SnapshotMetadata;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SnapshotterTest {
    private static final long BIG = 5L * 1024 * 1024 + 12345;

    @TempDir
    Path dir;

    @Test
    void metadataAndAMultiMegabyteImageRoundTrip() throws Exception {
        Snapshotter snapshotter = new Snapshotter(dir);
        SnapshotFile saved = snapshotter.save(meta(3, 0x1234), image(42, BIG));

        assertThat(saved.path().getFileName()).hasToString("0000000000000003-0000000000001234.snap");
        LoadResult result = new Snapshotter(dir).loadNewest();
        assertThat(result.rejected()).isEmpty();
        SnapshotFile loaded = result.newest().orElseThrow();
        assertThat(loaded.metadata()).isEqualTo(new SnapshotMetadata(JOINT, 0x1234, 3));
        assertThat(loaded.metadata().confState().autoLeave()).isTrue();
        assertThat(loaded.imageLength()).isEqualTo(BIG);
        assertThat(digest(loaded.openImage())).isEqualTo(digest(image(42, BIG)));
    }

    @Test
    void theImageCanBeReadFromAnOffsetOnAndOnlyFromInsideIt() throws Exception {
        SnapshotFile saved = new Snapshotter(dir).save(meta(2, 7), image(9, 5000));
        byte[] whole;
        try (InputStream image = saved.openImage()) {
            whole = image.readAllBytes();
        }
        try (InputStream tail = saved.openImageFrom(1234)) {
            assertThat(tail.readNBytes(5000 - 1234)).isEqualTo(java.util.Arrays.copyOfRange(whole, 1234, 5000));
        }
        assertThatThrownBy(() -> saved.openImageFrom(5001)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> saved.openImageFrom(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anEmptyImageAndEmptyConfigurationRoundTrip() throws Exception {
        Snapshotter snapshotter = new Snapshotter(dir);
        snapshotter.save(new SnapshotMetadata(ConfState.EMPTY, 1, 1), InputStream.nullInputStream());

        SnapshotFile loaded = snapshotter.loadNewest().newest().orElseThrow();
        assertThat(loaded.metadata()).isEqualTo(new SnapshotMetadata(ConfState.EMPTY, 1, 1));
        assertThat(loaded.openImage().readAllBytes()).isEmpty();
    }

    @Test
    void anEmptyDirectoryHasNoSnapshot() throws Exception {
        LoadResult result = new Snapshotter(dir.resolve("fresh")).loadNewest();
        assertThat(result.newest()).isEmpty();
        assertThat(result.rejected()).isEmpty();
    }

    @Test
    void theNewestSnapshotWins() throws Exception {
        Snapshotter snapshotter = new Snapshotter(dir);
        snapshotter.save(meta(1, 10), image(1, 100));
        snapshotter.save(meta(2, 30), image(3, 300));
        snapshotter.save(meta(2, 20), image(2, 200));

        SnapshotFile newest = snapshotter.loadNewest().newest().orElseThrow();
        assertThat(newest.metadata().index()).isEqualTo(30);
        assertThat(digest(newest.openImage())).isEqualTo(digest(image(3, 300)));
        assertThat(snapshotter.list()).extracting(p -> p.getFileName().toString()).containsExactly(
                "0000000000000002-000000000000001e.snap", "0000000000000002-0000000000000014.snap",
                "0000000000000001-000000000000000a.snap");
    }

    /** Where a damaged newest snapshot is hit; each must be caught and loading fall back to the older one. */
    enum Damage {
        MAGIC, HEADER_INDEX, HEADER_CONF, IMAGE_START, IMAGE_END, TRAILER_LENGTH, TRAILER_CRC, TRAILER_END_MAGIC,
        TRUNCATED_IN_IMAGE, TRUNCATED_IN_TRAILER, TRUNCATED_IN_HEADER, EMPTY_FILE;

        void apply(Path file, int headerSize) throws IOException {
            long size = Files.size(file);
            switch (this) {
                case MAGIC -> flipBit(file, 0);
                case HEADER_INDEX -> flipBit(file, 8 + 7);
                case HEADER_CONF -> flipBit(file, headerSize - 2);
                case IMAGE_START -> flipBit(file, headerSize);
                case IMAGE_END -> flipBit(file, size - SnapshotFormat.TRAILER_SIZE - 1);
                case TRAILER_LENGTH -> flipBit(file, size - SnapshotFormat.TRAILER_SIZE + 7);
                case TRAILER_CRC -> flipBit(file, size - 8 + 3);
                case TRAILER_END_MAGIC -> flipBit(file, size - 1);
                case TRUNCATED_IN_IMAGE -> truncate(file, headerSize + 1000);
                case TRUNCATED_IN_TRAILER -> truncate(file, size - 3);
                case TRUNCATED_IN_HEADER -> truncate(file, 20);
                case EMPTY_FILE -> truncate(file, 0);
                default -> throw new AssertionError(this);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Damage.class)
    void aDamagedNewestSnapshotIsReportedAndTheOlderOneLoaded(Damage damage) throws Exception {
        Snapshotter snapshotter = new Snapshotter(dir);
        snapshotter.save(meta(1, 10), image(1, 70_000));
        SnapshotFile newest = snapshotter.save(meta(2, 20), image(2, 200_000));
        damage.apply(newest.path(), SnapshotFormat.headerSize(meta(2, 20)));

        LoadResult result = snapshotter.loadNewest();
        assertThat(result.newest()).isPresent();
        assertThat(result.newest().get().metadata().index()).isEqualTo(10);
        assertThat(digest(result.newest().get().openImage())).isEqualTo(digest(image(1, 70_000)));
        assertThat(result.rejected()).extracting(LoadResult.Rejected::file).containsExactly(newest.path());
        assertThat(newest.path()).as("reported, not deleted").exists();
    }

    @Test
    void whenEverySnapshotIsDamagedNoneIsLoadedAndAllAreReported() throws Exception {
        Snapshotter snapshotter = new Snapshotter(dir);
        Path older = snapshotter.save(meta(1, 10), image(1, 1000)).path();
        Path newer = snapshotter.save(meta(1, 20), image(2, 1000)).path();
        flipBit(older, 500);
        flipBit(newer, 500);

        LoadResult result = snapshotter.loadNewest();
        assertThat(result.newest()).isEmpty();
        assertThat(result.rejected()).extracting(LoadResult.Rejected::file).containsExactly(newer, older);
        assertThat(result.rejected().get(0).reason()).contains("checksum mismatch");
    }

    @Test
    void aFileNamedForOneIndexWhoseHeaderSaysAnotherIsRejected() throws Exception {
        Snapshotter snapshotter = new Snapshotter(dir);
        snapshotter.save(meta(1, 5), image(5, 100));
        Path moved = snapshotter.save(meta(1, 7), image(7, 100)).path();
        Path misnamed = new SnapshotName(1, 9).in(dir);
        Files.move(moved, misnamed);

        LoadResult result = snapshotter.loadNewest();
        assertThat(result.newest().orElseThrow().metadata().index()).isEqualTo(5);
        assertThat(result.rejected()).singleElement().satisfies(r -> {
            assertThat(r.file()).isEqualTo(misnamed);
            assertThat(r.reason()).contains("index 7").contains("index 9");
        });
    }

    @Test
    void aFileNamedForAnotherTermIsRejected() throws Exception {
        Snapshotter snapshotter = new Snapshotter(dir);
        Path moved = snapshotter.save(meta(1, 7), image(7, 100)).path();
        Files.move(moved, new SnapshotName(2, 7).in(dir));

        LoadResult result = snapshotter.loadNewest();
        assertThat(result.newest()).isEmpty();
        assertThat(result.rejected()).singleElement().extracting(LoadResult.Rejected::reason).asString()
                .contains("term 1").contains("term 2");
    }

    @Test
    void leftoverTempFilesAreDeletedAndOtherFilesLeftAlone() throws Exception {
        Snapshotter snapshotter = new Snapshotter(dir);
        snapshotter.save(meta(1, 10), image(1, 100));
        Path leftover = new SnapshotName(1, 20).tempIn(dir);
        Files.write(leftover, new byte[] {1, 2, 3});
        Path unrelated = Files.writeString(dir.resolve("notes.txt"), "keep me");

        LoadResult result = snapshotter.loadNewest();
        assertThat(result.newest().orElseThrow().metadata().index()).isEqualTo(10);
        assertThat(leftover).doesNotExist();
        assertThat(unrelated).exists();
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("0000000000000001-000000000000000a.snap", "notes.txt");
        }
    }

    @Test
    void aSaveWhoseImageFailsLeavesNothingBehind() throws Exception {
        Snapshotter snapshotter = new Snapshotter(dir);
        InputStream failing = new java.io.SequenceInputStream(image(1, 300_000), new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("backend went away");
            }
        });

        assertThatThrownBy(() -> snapshotter.save(meta(1, 10), failing)).hasMessage("backend went away");
        try (var files = Files.list(dir)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void aSnapshotAtIndexZeroIsRefused() throws Exception {
        Snapshotter snapshotter = new Snapshotter(dir);
        assertThatThrownBy(() -> snapshotter.save(SnapshotMetadata.EMPTY, new ByteArrayInputStream(new byte[1])))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(snapshotter.list()).isEmpty();
    }

    @Test
    void retentionKeepsExactlyTheNewestN() throws Exception {
        Snapshotter snapshotter = new Snapshotter(dir);
        for (long i = 1; i <= 5; i++) {
            snapshotter.save(meta(1, i * 10), image(i, 1000));
        }

        List<Path> deleted = snapshotter.retain(2);
        assertThat(deleted).extracting(p -> p.getFileName().toString()).containsExactly(
                "0000000000000001-000000000000001e.snap", "0000000000000001-0000000000000014.snap",
                "0000000000000001-000000000000000a.snap");
        assertThat(snapshotter.list()).extracting(p -> SnapshotName.parse(p.getFileName().toString()).index())
                .containsExactly(50L, 40L);
        assertThat(snapshotter.retain(5)).isEmpty();
        assertThat(snapshotter.list()).hasSize(2);
        snapshotter.retain(1);
        assertThat(snapshotter.list()).extracting(p -> SnapshotName.parse(p.getFileName().toString()).index())
                .containsExactly(50L);
    }

    @Test
    void retentionNeverDeletesTheNewest() throws Exception {
        Snapshotter snapshotter = new Snapshotter(dir);
        snapshotter.save(meta(1, 10), image(1, 10));
        assertThatThrownBy(() -> snapshotter.retain(0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(snapshotter.list()).hasSize(1);
    }

    @Test
    void retentionCountsOnlyValidSnapshots() throws Exception {
        Snapshotter before = new Snapshotter(dir);
        for (long i = 1; i <= 4; i++) {
            before.save(meta(1, i * 10), image(i, 1000));
        }
        Path damaged = new SnapshotName(1, 40).in(dir);
        flipBit(damaged, 600);

        // A restarted member: its snapshotter knows none of the files and checks each one it counts.
        Snapshotter snapshotter = new Snapshotter(dir);
        snapshotter.retain(2);
        assertThat(snapshotter.list()).extracting(p -> SnapshotName.parse(p.getFileName().toString()).index())
                .containsExactly(40L, 30L, 20L);
        assertThat(snapshotter.loadNewest().newest().orElseThrow().metadata().index()).isEqualTo(30);
    }

    @Test
    void retentionTrustsWhatThisProcessWroteAndReadsNothingAgain() throws Exception {
        Snapshotter snapshotter = new Snapshotter(dir);
        for (long i = 1; i <= 3; i++) {
            snapshotter.save(meta(1, i * 10), image(i, 1000));
        }
        // Damage after the save is not looked for at retention (re-reading every kept image at every snapshot cost
        // gigabytes of reads on the node loop); it is found when the file is next read through.
        Path damaged = new SnapshotName(1, 30).in(dir);
        flipBit(damaged, 600);

        assertThat(snapshotter.retain(1)).hasSize(2);
        LoadResult loaded = snapshotter.loadNewest();
        assertThat(loaded.newest()).isEmpty();
        assertThat(loaded.rejected()).extracting(LoadResult.Rejected::file).containsExactly(damaged);
    }

    @Test
    void retentionDeletesNothingWhenNoSnapshotIsValid() throws Exception {
        Snapshotter before = new Snapshotter(dir);
        before.save(meta(1, 10), image(1, 1000));
        before.save(meta(1, 20), image(2, 1000));
        flipBit(new SnapshotName(1, 10).in(dir), 600);
        flipBit(new SnapshotName(1, 20).in(dir), 600);

        Snapshotter snapshotter = new Snapshotter(dir);

        assertThat(snapshotter.retain(1)).isEmpty();
        assertThat(snapshotter.list()).hasSize(2);
    }

    @Test
    void readingTheImageDetectsDamageDoneAfterLoading() throws Exception {
        Snapshotter snapshotter = new Snapshotter(dir);
        snapshotter.save(meta(1, 10), image(1, 300_000));
        SnapshotFile loaded = snapshotter.loadNewest().newest().orElseThrow();
        flipBit(loaded.path(), 150_000);

        assertThatThrownBy(() -> digest(loaded.openImage())).isInstanceOf(SnapshotCorruptException.class)
                .hasMessageContaining("checksum mismatch");
    }

    @Test
    void aSnapshotAtTheSamePointReplacesTheOldFile() throws Exception {
        Snapshotter snapshotter = new Snapshotter(dir);
        snapshotter.save(meta(1, 10), image(1, 1000));
        ConfState other = new ConfState(Set.of(9L), Set.of(), Set.of(), Set.of(), false);
        snapshotter.save(new SnapshotMetadata(other, 10, 1), image(2, 500));

        SnapshotFile loaded = snapshotter.loadNewest().newest().orElseThrow();
        assertThat(loaded.metadata().confState()).isEqualTo(other);
        assertThat(digest(loaded.openImage())).isEqualTo(digest(image(2, 500)));
        assertThat(snapshotter.list()).hasSize(1);
    }
}
