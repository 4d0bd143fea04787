package dev.cairn.kvnode.wal;

import static dev.cairn.kvnode.wal.WalFixtures.SMALL;
import static dev.cairn.kvnode.wal.WalFixtures.TINY;
import static dev.cairn.kvnode.wal.WalFixtures.entries;
import static dev.cairn.kvnode.wal.WalFixtures.entry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.kvnode.raft.pb.Entry;
import dev.cairn.kvnode.raft.pb.HardState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What opening does with damaged files: cut what a crash explains, refuse what it does not. */
class WalDamageTest {
    @TempDir
    Path root;

    /** A log whose last record is entry 6; returns where that record starts and ends in its segment. */
    private long[] writeLogEndingInEntry6(Path dir) throws IOException {
        Wal wal = Wal.open(dir, SMALL);
        wal.append(new HardState(1, 1, 3), entries(1, 1, 5));
        wal.sync();
        long start = wal.syncedPosition().offset();
        wal.append(null, List.of(entry(1, 6, 40)));
        wal.sync();
        long end = wal.syncedPosition().offset();
        wal.abandon();
        return new long[] {start, end};
    }

    @Test
    void aTornLastRecordIsCutAtEveryOffsetWhateverFollowsIt() throws Exception {
        Path original = root.resolve("original");
        long[] last = writeLogEndingInEntry6(original);
        Path segment = original.resolve(new SegmentName(0, 1).fileName());
        Random random = new Random(1);
        int cases = 0;
        for (long cutAt = last[0]; cutAt < last[1]; cutAt++) {
            for (String after : List.of("nothing", "zeros", "garbage")) {
                byte[] tail = switch (after) {
                    case "zeros" -> new byte[(int) (SMALL.segmentSize() - cutAt)];
                    case "garbage" -> {
                        byte[] bytes = new byte[1 + random.nextInt(200)];
                        random.nextBytes(bytes);
                        yield bytes;
                    }
                    default -> new byte[0];
                };
                Path dir = root.resolve("case" + cases++);
                Files.createDirectories(dir);
                Path copy = dir.resolve(segment.getFileName());
                Files.copy(segment, copy, StandardCopyOption.REPLACE_EXISTING);
                WalFixtures.cut(copy, cutAt, tail);

                String what = "cut at " + cutAt + " followed by " + after;
                try (Wal wal = Wal.open(dir, SMALL)) {
                    assertThat(wal.recovered().entries()).as(what).containsExactlyElementsOf(entries(1, 1, 5));
                    assertThat(wal.recovered().hardState()).as(what).isEqualTo(new HardState(1, 1, 3));
                    assertThat(Files.size(copy)).as(what).isEqualTo(SMALL.segmentSize());
                    wal.append(new HardState(2, 2, 5), List.of(entry(2, 6), entry(2, 7)));
                }
                List<Entry> expected = new ArrayList<>(entries(1, 1, 5));
                expected.addAll(List.of(entry(2, 6), entry(2, 7)));
                Recovered recovered = Wal.open(dir, SMALL).recovered();
                assertThat(recovered.entries()).as(what).containsExactlyElementsOf(expected);
                assertThat(recovered.hardState()).as(what).isEqualTo(new HardState(2, 2, 5));
                deleteTree(dir);
            }
        }
        assertThat(cases).isGreaterThan(150);
    }

    @Test
    void aBitFlipInTheLastRecordIsTreatedAsATornWrite() throws Exception {
        long[] last = writeLogEndingInEntry6(root);
        Path segment = root.resolve(new SegmentName(0, 1).fileName());
        WalFixtures.flipBit(segment, last[1] - 3, 4);
        try (Wal wal = Wal.open(root, SMALL)) {
            assertThat(wal.recovered().entries()).containsExactlyElementsOf(entries(1, 1, 5));
            wal.append(null, List.of(entry(1, 6)));
        }
        assertThat(Wal.open(root, SMALL).recovered().entries()).containsExactlyElementsOf(entries(1, 1, 6));
    }

    @Test
    void aBitFlipInAMiddleRecordIsCorruptionNamingFileAndOffset() throws Exception {
        writeLogEndingInEntry6(root);
        Path segment = root.resolve(new SegmentName(0, 1).fileName());
        long entry3 = offsetOfEntry(segment, 3);
        // In the payload, in the length, in the CRC: every one of them must be caught, not cut.
        for (long target : new long[] {entry3 + 20, entry3, entry3 + 5}) {
            WalFixtures.flipBit(segment, target, 6);
            assertThatThrownBy(() -> Wal.open(root, SMALL))
                    .isInstanceOfSatisfying(WalCorruptException.class, e -> {
                        assertThat(e.file()).isEqualTo(segment);
                        assertThat(e.offset()).isEqualTo(entry3);
                    })
                    .hasMessageContaining(segment.getFileName().toString())
                    .hasMessageContaining("offset " + entry3);
            WalFixtures.flipBit(segment, target, 6);
        }
        assertThat(Wal.open(root, SMALL).recovered().entries()).hasSize(6);
    }

    @Test
    void anIntactRecordPastTheZerosIsCorruption() throws Exception {
        long[] last = writeLogEndingInEntry6(root);
        Path segment = root.resolve(new SegmentName(0, 1).fileName());
        // Copy a whole intact record (entry 2) far past the end: an intact record after the end cannot be a tear.
        byte[] bytes = Files.readAllBytes(segment);
        long entry2 = offsetOfEntry(segment, 2);
        long entry3 = offsetOfEntry(segment, 3);
        System.arraycopy(bytes, (int) entry2, bytes, 10_000, (int) (entry3 - entry2));
        Files.write(segment, bytes);
        assertThatThrownBy(() -> Wal.open(root, SMALL)).isInstanceOf(WalCorruptException.class)
                .hasMessageContaining("offset " + last[1]);
    }

    @Test
    void damageInASegmentThatIsNotTheLastIsCorruption() throws Exception {
        List<Path> files;
        try (Wal wal = Wal.open(root, TINY)) {
            for (long i = 1; i <= 30; i++) {
                wal.append(new HardState(1, 1, 0), List.of(entry(1, i, 100)));
            }
            files = wal.segmentFiles();
        }
        assertThat(files).hasSizeGreaterThan(1);
        Path first = files.get(0);
        List<SegmentScanner.Positioned> records = WalFixtures.records(first);
        long lastOffset = records.get(records.size() - 1).offset();
        // Its last record: in the last segment this would be a tear, here the segment was complete.
        WalFixtures.flipBit(first, lastOffset + 12, 0);
        assertThatThrownBy(() -> Wal.open(root, TINY)).isInstanceOf(WalCorruptException.class)
                .hasMessageContaining(first.getFileName().toString())
                .hasMessageContaining("offset " + lastOffset);
    }

    @Test
    void aMissingSegmentInTheMiddleIsCorruption() throws Exception {
        List<Path> files;
        try (Wal wal = Wal.open(root, TINY)) {
            for (long i = 1; i <= 40; i++) {
                wal.append(new HardState(1, 1, 0), List.of(entry(1, i, 100)));
            }
            files = wal.segmentFiles();
        }
        assertThat(files).hasSizeGreaterThan(2);
        Files.delete(files.get(1));
        assertThatThrownBy(() -> Wal.open(root, TINY)).isInstanceOf(WalCorruptException.class)
                .hasMessageContaining("missing");
    }

    private static long offsetOfEntry(Path segment, long index) throws IOException {
        return WalFixtures.records(segment).stream()
                .filter(p -> p.record() instanceof WalRecord.EntryRecord r && r.entry().index() == index)
                .mapToLong(SegmentScanner.Positioned::offset).findFirst().orElseThrow();
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
        Files.delete(dir);
    }
}
