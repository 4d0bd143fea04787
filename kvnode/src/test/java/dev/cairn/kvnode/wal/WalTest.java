package dev.cairn.kvnode.wal;

import static dev.cairn.kvnode.wal.WalFixtures.SMALL;
import static dev.cairn.kvnode.wal.WalFixtures.TINY;
import static dev.cairn.kvnode.wal.WalFixtures.entries;
import static dev.cairn.kvnode.wal.WalFixtures.entry;
import static dev.cairn.kvnode.wal.WalFixtures.marker;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.kvnode.raft.pb.ConfState;
import dev.cairn.kvnode.raft.pb.Entry;
import dev.cairn.kvnode.raft.pb.EntryType;
import dev.cairn.kvnode.raft.pb.HardState;
import dev.cairn.kvnode.raft.pb.SnapshotMetadata;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WalTest {
    @TempDir
    Path dir;

    @Test
    void aNewLogIsEmptyAndHasOneSegment() throws Exception {
        try (Wal wal = Wal.open(dir, SMALL)) {
            assertThat(wal.recovered()).isEqualTo(new Recovered(HardState.EMPTY, SnapshotMetadata.EMPTY, List.of()));
        }
        try (Wal wal = Wal.open(dir, SMALL)) {
            assertThat(wal.recovered().entries()).isEmpty();
            assertThat(wal.segmentFiles()).extracting(p -> p.getFileName().toString())
                    .containsExactly("0000000000000000-0000000000000001.wal");
            assertThat(Files.size(wal.segmentFiles().get(0))).isEqualTo(SMALL.segmentSize());
        }
    }

    @Test
    void whatWasSyncedIsReadBack() throws Exception {
        ConfState joint = new ConfState(Set.of(1L, 2L), Set.of(5L), Set.of(1L, 3L), Set.of(3L), true);
        Entry conf = new Entry(2, 5, EntryType.CONF_CHANGE, new byte[] {1, 2, 3});
        Entry empty = new Entry(2, 6, EntryType.NORMAL, new byte[0]);
        Wal wal = Wal.open(dir, SMALL);
        wal.append(new HardState(1, 3, 0), entries(1, 1, 4));
        wal.append(null, List.of(conf, empty));
        wal.saveSnapshotMarker(new SnapshotMetadata(joint, 2, 1));
        wal.append(new HardState(2, 3, 5), List.of());
        wal.sync();
        wal.abandon();

        Recovered recovered = Wal.open(dir, SMALL).recovered();
        assertThat(recovered.hardState()).isEqualTo(new HardState(2, 3, 5));
        assertThat(recovered.snapshot()).isEqualTo(new SnapshotMetadata(joint, 2, 1));
        assertThat(recovered.entries()).containsExactly(entry(1, 3), entry(1, 4), conf, empty);
    }

    @Test
    void appendsContinueAfterReopen() throws Exception {
        try (Wal wal = Wal.open(dir, SMALL)) {
            wal.append(new HardState(1, 1, 2), entries(1, 1, 3));
        }
        try (Wal wal = Wal.open(dir, SMALL)) {
            wal.append(new HardState(1, 1, 3), entries(1, 4, 5));
        }
        Recovered recovered = Wal.open(dir, SMALL).recovered();
        assertThat(recovered.entries()).containsExactlyElementsOf(entries(1, 1, 5));
        assertThat(recovered.hardState()).isEqualTo(new HardState(1, 1, 3));
    }

    @Test
    void segmentsAfterTheFirstComeFromPreparedFilesAndNoPreparedFileOutlivesTheLog() throws Exception {
        List<Entry> written = new ArrayList<>();
        try (Wal wal = Wal.open(dir, TINY)) {
            for (long index = 1; index <= 60; index++) {
                Entry entry = entry(1, index, 100);
                written.add(entry);
                wal.append(new HardState(1, 1, index), List.of(entry));
                wal.sync();
            }
            assertThat(wal.segmentFiles()).hasSizeGreaterThan(3);
            for (Path segment : wal.segmentFiles()) {
                assertThat(Files.size(segment)).as(segment.toString()).isEqualTo(TINY.segmentSize());
            }
            try (var listing = Files.list(dir)) {
                assertThat(listing.filter(f -> f.getFileName().toString().endsWith(SegmentName.TEMP_SUFFIX)))
                        .as("the next segment, being prepared").hasSizeLessThanOrEqualTo(1);
            }
        }
        try (var listing = Files.list(dir)) {
            assertThat(listing.map(f -> f.getFileName().toString()))
                    .allMatch(name -> name.endsWith(SegmentName.SUFFIX));
        }
        try (Wal wal = Wal.open(dir, TINY)) {
            assertThat(wal.recovered().entries()).containsExactlyElementsOf(written);
        }
    }

    @Test
    void aPreparedSegmentLeftByACrashIsDeletedOnOpen() throws Exception {
        try (Wal wal = Wal.open(dir, TINY)) {
            wal.append(new HardState(1, 1, 1), entries(1, 1, 1));
        }
        Path leftover = dir.resolve("next-3" + SegmentName.TEMP_SUFFIX);
        Files.write(leftover, new byte[(int) TINY.segmentSize()]);
        try (Wal wal = Wal.open(dir, TINY)) {
            assertThat(leftover).doesNotExist();
            assertThat(wal.recovered().entries()).containsExactlyElementsOf(entries(1, 1, 1));
        }
    }

    @Test
    void aLaterEntryOverwritesTheTailFromItsIndex() throws Exception {
        Wal wal = Wal.open(dir, SMALL);
        wal.append(new HardState(1, 1, 5), entries(1, 1, 10));
        wal.append(new HardState(2, 2, 5), entries(2, 6, 8));
        wal.sync();
        wal.abandon();

        List<Entry> expected = new ArrayList<>(entries(1, 1, 5));
        expected.addAll(entries(2, 6, 8));
        assertThat(Wal.open(dir, SMALL).recovered().entries()).containsExactlyElementsOf(expected);
    }

    @Test
    void anOverwriteAfterReopenAndAcrossSegmentsTruncatesTheTail() throws Exception {
        try (Wal wal = Wal.open(dir, TINY)) {
            for (long i = 1; i <= 40; i++) {
                wal.append(new HardState(1, 1, 0), List.of(entry(1, i, 100)));
            }
            assertThat(wal.segmentFiles()).hasSizeGreaterThan(2);
        }
        try (Wal wal = Wal.open(dir, TINY)) {
            wal.append(new HardState(3, 3, 0), List.of(entry(3, 7), entry(3, 8)));
        }
        List<Entry> expected = new ArrayList<>();
        for (long i = 1; i <= 6; i++) {
            expected.add(entry(1, i, 100));
        }
        expected.addAll(List.of(entry(3, 7), entry(3, 8)));
        Recovered recovered = Wal.open(dir, TINY).recovered();
        assertThat(recovered.entries()).containsExactlyElementsOf(expected);
        assertThat(recovered.hardState()).isEqualTo(new HardState(3, 3, 0));
    }

    @Test
    void segmentsRollOverAndAreReadInOrder() throws Exception {
        List<Entry> written = new ArrayList<>();
        try (Wal wal = Wal.open(dir, TINY)) {
            for (long i = 1; i <= 60; i++) {
                Entry e = entry(1, i, (int) (i * 7 % 300));
                written.add(e);
                wal.append(new HardState(1, 1, i - 1), List.of(e));
                if (i % 5 == 0) {
                    wal.sync();
                }
            }
            // A record bigger than a whole segment gets a segment of its own size.
            Entry big = entry(1, 61, 5000);
            written.add(big);
            wal.append(null, List.of(big));
            wal.append(null, List.of(entry(1, 62)));
            written.add(entry(1, 62));
        }
        List<Path> files;
        try (Wal wal = Wal.open(dir, TINY)) {
            files = wal.segmentFiles();
            assertThat(wal.recovered().entries()).containsExactlyElementsOf(written);
            assertThat(wal.recovered().hardState()).isEqualTo(new HardState(1, 1, 59));
        }
        assertThat(files).hasSizeGreaterThan(5);
        for (int i = 0; i < files.size(); i++) {
            SegmentName name = SegmentName.parse(files.get(i).getFileName().toString());
            assertThat(name.sequence()).isEqualTo(i);
            // Each segment describes itself: metadata first, naming its place and the first index it expected.
            WalRecord first = WalFixtures.records(files.get(i)).get(0).record();
            assertThat(first).isEqualTo(new WalRecord.Metadata(7, 42, i, name.firstIndex()));
            assertThat(Files.size(files.get(i))).isGreaterThanOrEqualTo(TINY.segmentSize());
            if (i > 0) {
                long firstEntry = WalFixtures.records(files.get(i)).stream()
                        .filter(p -> p.record() instanceof WalRecord.EntryRecord)
                        .mapToLong(p -> ((WalRecord.EntryRecord) p.record()).entry().index()).findFirst().orElse(-1);
                assertThat(firstEntry).isIn(name.firstIndex(), -1L);
            }
        }
    }

    @Test
    void entriesAtOrBelowTheSnapshotMarkerAreNotReturned() throws Exception {
        try (Wal wal = Wal.open(dir, SMALL)) {
            wal.append(new HardState(1, 1, 8), entries(1, 1, 10));
            wal.saveSnapshotMarker(marker(5, 1));
        }
        Recovered recovered = Wal.open(dir, SMALL).recovered();
        assertThat(recovered.snapshot()).isEqualTo(marker(5, 1));
        assertThat(recovered.entries()).containsExactlyElementsOf(entries(1, 6, 10));
        assertThat(recovered.lastIndex()).isEqualTo(10);
    }

    @Test
    void aSnapshotThatDisagreesWithTheLogReplacesIt() throws Exception {
        try (Wal wal = Wal.open(dir, SMALL)) {
            wal.append(new HardState(1, 1, 2), entries(1, 1, 10));
            // A follower sent a snapshot at 8 from term 3: its entries after 8 (term 1) are not the leader's.
            wal.saveSnapshotMarker(marker(8, 3));
            wal.append(new HardState(3, 2, 8), List.of());
        }
        Recovered recovered = Wal.open(dir, SMALL).recovered();
        assertThat(recovered.entries()).isEmpty();
        assertThat(recovered.lastIndex()).isEqualTo(8);

        try (Wal wal = Wal.open(dir, SMALL)) {
            // A snapshot past the end of the log, then entries after it: the gap is covered by the snapshot.
            wal.saveSnapshotMarker(marker(20, 4));
            wal.append(new HardState(4, 2, 20), entries(4, 21, 23));
        }
        recovered = Wal.open(dir, SMALL).recovered();
        assertThat(recovered.snapshot()).isEqualTo(marker(20, 4));
        assertThat(recovered.entries()).containsExactlyElementsOf(entries(4, 21, 23));
    }

    @Test
    void releaseBeforeDeletesSegmentsTheSnapshotCovers() throws Exception {
        try (Wal wal = Wal.open(dir, TINY)) {
            for (long i = 1; i <= 100; i++) {
                wal.append(new HardState(1, 1, i), List.of(entry(1, i, 100)));
            }
            wal.sync();
            int before = wal.segmentFiles().size();
            assertThat(before).isGreaterThan(5);

            // Nothing goes without a durable marker to stand for the entries.
            wal.releaseBefore(80);
            assertThat(wal.segmentFiles()).hasSize(before);

            wal.saveSnapshotMarker(marker(60, 1));
            wal.releaseBefore(60);
            assertThat(wal.segmentFiles()).as("the marker is not synced yet").hasSize(before);
            wal.sync();
            // Asking past the marker only releases up to it.
            wal.releaseBefore(90);
            List<Path> left = wal.segmentFiles();
            assertThat(left).hasSizeLessThan(before);
            assertThat(dir.resolve(new SegmentName(0, 1).fileName())).doesNotExist();
            SegmentName firstLeft = SegmentName.parse(left.get(0).getFileName().toString());
            SegmentName secondLeft = SegmentName.parse(left.get(1).getFileName().toString());
            assertThat(firstLeft.firstIndex()).isLessThanOrEqualTo(61);
            assertThat(secondLeft.firstIndex()).isGreaterThan(61);
            try (var listing = Files.list(dir)) {
                assertThat(listing.filter(f -> f.getFileName().toString().endsWith(SegmentName.SUFFIX)).count())
                        .isEqualTo(left.size());
            }
        }
        Recovered recovered;
        try (Wal wal = Wal.open(dir, TINY)) {
            recovered = wal.recovered();
            assertThat(recovered.snapshot()).isEqualTo(marker(60, 1));
            assertThat(recovered.hardState()).isEqualTo(new HardState(1, 1, 100));
            assertThat(recovered.entries()).extracting(Entry::index)
                    .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(61, 100).boxed().toList());

            // Release everything a snapshot at the end covers: the tail segment stays and holds the state.
            wal.saveSnapshotMarker(marker(100, 1));
            wal.sync();
            wal.releaseBefore(100);
            assertThat(wal.segmentFiles()).hasSize(1);
        }
        recovered = Wal.open(dir, TINY).recovered();
        assertThat(recovered.snapshot()).isEqualTo(marker(100, 1));
        assertThat(recovered.hardState()).isEqualTo(new HardState(1, 1, 100));
        assertThat(recovered.entries()).isEmpty();
    }

    @Test
    void stateWrittenOnlyInAReleasedSegmentSurvivesIt() throws Exception {
        List<Entry> after = new ArrayList<>();
        try (Wal wal = Wal.open(dir, TINY)) {
            wal.append(new HardState(4, 2, 10), entries(4, 1, 10));
            wal.saveSnapshotMarker(marker(10, 4));
            // Too big for the rest of segment 0: segment 1 starts at 11, so segment 0 holds nothing past 10.
            after.add(entry(4, 11, 3000));
            after.addAll(entries(4, 12, 20));
            wal.append(null, after);
            wal.sync();
            wal.releaseBefore(10);
            assertThat(dir.resolve(new SegmentName(0, 1).fileName())).doesNotExist();
        }
        Recovered recovered = Wal.open(dir, TINY).recovered();
        assertThat(recovered.hardState()).isEqualTo(new HardState(4, 2, 10));
        assertThat(recovered.snapshot()).isEqualTo(marker(10, 4));
        assertThat(recovered.entries()).containsExactlyElementsOf(after);
    }

    @Test
    void aLogOfAnotherMemberIsRefused() throws Exception {
        try (Wal wal = Wal.open(dir, SMALL)) {
            wal.append(new HardState(1, 1, 0), entries(1, 1, 2));
        }
        assertThatThrownBy(() -> Wal.open(dir, new WalOptions(SMALL.segmentSize(), 8, 42)))
                .isInstanceOf(WalCorruptException.class).hasMessageContaining("member 7");
    }

    @Test
    void aSegmentLeftHalfMadeByACrashIsIgnored() throws Exception {
        try (Wal wal = Wal.open(dir, SMALL)) {
            wal.append(new HardState(1, 1, 0), entries(1, 1, 2));
        }
        Files.write(dir.resolve("0000000000000001-0000000000000003.wal.tmp"), new byte[100]);
        try (Wal wal = Wal.open(dir, SMALL)) {
            assertThat(wal.recovered().entries()).containsExactlyElementsOf(entries(1, 1, 2));
        }
        assertThat(dir.resolve("0000000000000001-0000000000000003.wal.tmp")).doesNotExist();
    }
}
