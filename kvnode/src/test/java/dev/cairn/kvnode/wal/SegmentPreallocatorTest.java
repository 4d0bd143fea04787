package dev.cairn.kvnode.wal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SegmentPreallocatorTest {
    @TempDir
    Path dir;

    @Test
    void eachTakeIsANewFileOfZerosOfTheSegmentSizeUnderATemporaryName() throws Exception {
        try (SegmentPreallocator spare = new SegmentPreallocator(dir, 10_000)) {
            Path first = spare.take();
            Path second = spare.take();

            assertThat(first).isNotEqualTo(second);
            for (Path file : new Path[] {first, second}) {
                assertThat(file.getParent()).isEqualTo(dir);
                assertThat(file.getFileName().toString()).endsWith(SegmentName.TEMP_SUFFIX);
                assertThat(Files.readAllBytes(file)).hasSize(10_000).containsOnly(0);
            }
        }
    }

    @Test
    void nothingIsPreparedBeforeItIsStartedAndWhatWasNotTakenIsDeletedOnClose() throws Exception {
        SegmentPreallocator spare = new SegmentPreallocator(dir, 4096);
        assertThat(files()).isEmpty();
        spare.start();
        Path taken = spare.take();
        spare.close();

        assertThat(files()).containsExactly(taken);
    }

    private Stream<Path> files() throws Exception {
        try (Stream<Path> listing = Files.list(dir)) {
            return listing.toList().stream();
        }
    }
}
