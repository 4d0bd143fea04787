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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store image that copies the changes an earlier image of the same store wrote: it must be byte for byte the image
 * the backend alone gives, copy only while the backend still holds exactly those changes, and refuse bytes that no
 * longer match their checksum.
 */
class StoreImageCopyTest {
    @TempDir
    Path dir;

    private final long seed = new Random().nextLong();
    private final Random random = new Random(seed);
    private MvccStore store;
    private long index;

    @BeforeEach
    void open() {
        store = MvccStore.open(dir.resolve("kv.db"));
    }

    @org.junit.jupiter.api.AfterEach
    void close() {
        store.close();
    }

    @Test
    void aChainOfCopiedImagesIsByteForByteWhatTheBackendGives() throws IOException {
        applyRandomOps(400);
        Image first = write(store.captureImage(), null);
        assertThat(first.written().copiedBytes()).isZero();

        Image previous = first;
        for (int round = 0; round < 3; round++) {
            applyRandomOps(200);
            StoreImage image = store.captureImage();
            Image copied = write(image, previous.asEarlier());
            Image fromBackend = write(image, null);

            assertThat(copied.written().copiedBytes()).as("seed %d", seed)
                    .isEqualTo(previous.written().changes().length()).isPositive();
            assertThat(copied.bytes()).as("seed %d, round %d", seed, round).isEqualTo(fromBackend.bytes());
            assertThat(copied.written().changes()).isEqualTo(fromBackend.written().changes());
            previous = copied;
        }

        List<dev.cairn.kvnode.proto.mvccpb.KeyValue> state = everything(store, 0);
        try (MvccStore restored = MvccStore.open(dir.resolve("restored.db"))) {
            restored.restore(new ByteArrayInputStream(previous.bytes()));
            assertThat(everything(restored, 0)).as("seed %d", seed).isEqualTo(state);
            assertThat(restored.hash(0)).isEqualTo(store.hash(0));
        }
    }

    @Test
    void anImageAtTheRevisionOfTheEarlierOneIsTheCopyAlone() throws IOException {
        applyRandomOps(100);
        Image first = write(store.captureImage(), null);
        StoreImage image = store.captureImage();
        Image copied = write(image, first.asEarlier());
        assertThat(copied.written().copiedBytes()).isEqualTo(first.written().changes().length());
        assertThat(copied.bytes()).as("seed %d", seed).isEqualTo(write(image, null).bytes());
    }

    @Test
    void changesDeletedByACompactionSinceAreNotCopied() throws IOException {
        applyRandomOps(400);
        Image first = write(store.captureImage(), null);
        store.compact(store.currentRevision() / 2, new ApplyPosition(++index, 1)).join();
        applyRandomOps(50);

        StoreImage image = store.captureImage();
        Image afterCompaction = write(image, first.asEarlier());

        assertThat(afterCompaction.written().copiedBytes()).as("seed %d", seed).isZero();
        assertThat(afterCompaction.bytes()).isEqualTo(write(image, null).bytes());
        assertThat(afterCompaction.bytes().length).as("the compacted changes are gone from the image")
                .isLessThan(first.bytes().length);
    }

    @Test
    void aCompactionScheduledButNotYetRunLeavesTheChangesToCopy() throws IOException {
        applyRandomOps(400);
        Image first = write(store.captureImage(), null);
        store.compactionLock().lock(); // the background deletion waits behind the image being written
        try {
            store.compact(store.currentRevision() / 2, new ApplyPosition(++index, 1));
            StoreImage image = store.captureImage();
            Image copied = write(image, first.asEarlier());
            assertThat(copied.written().copiedBytes()).isEqualTo(first.written().changes().length());
            assertThat(copied.bytes()).as("seed %d", seed).isEqualTo(write(image, null).bytes());
        } finally {
            store.compactionLock().unlock();
        }
    }

    @Test
    void copiedBytesThatNoLongerMatchTheirChecksumAreRefused() throws IOException {
        applyRandomOps(300);
        Image first = write(store.captureImage(), null);
        applyRandomOps(10);
        StoreImage image = store.captureImage();
        ChangesSection changes = first.written().changes();

        byte[] flipped = first.bytes().clone();
        flipped[(int) (changes.offset() + changes.length() / 2)] ^= 0x10;
        assertThatThrownBy(() -> write(image, new EarlierChanges(changes, () -> new ByteArrayInputStream(flipped,
                (int) changes.offset(), flipped.length)))).isInstanceOf(EarlierChangesMismatchException.class)
                .hasMessageContaining("checksum");

        byte[] cut = java.util.Arrays.copyOf(first.bytes(), (int) (changes.offset() + changes.length() - 1));
        assertThatThrownBy(() -> write(image, new EarlierChanges(changes, () -> new ByteArrayInputStream(cut,
                (int) changes.offset(), cut.length)))).isInstanceOf(EarlierChangesMismatchException.class)
                .hasMessageContaining("ends");
    }

    @Test
    void anImageOfAStoreReplacedSinceIsNotCopied() throws IOException {
        applyRandomOps(300);
        Image first = write(store.captureImage(), null);
        store.restore(new ByteArrayInputStream(first.bytes()));
        applyRandomOps(10);

        StoreImage image = store.captureImage();
        Image afterRestore = write(image, first.asEarlier());

        assertThat(afterRestore.written().copiedBytes()).isZero();
        assertThat(afterRestore.bytes()).isEqualTo(write(image, null).bytes());
    }

    private void applyRandomOps(int count) {
        for (StoreFixture.Op op : StoreFixture.randomOps(random, count, 30)) {
            apply(store, op, ++index);
        }
    }

    private static Image write(StoreImage image, EarlierChanges earlier) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StoreImage.Written written = image.writeTo(out, earlier);
        return new Image(out.toByteArray(), written);
    }

    /** An image written to memory, and what its writer reported. */
    private record Image(byte[] bytes, StoreImage.Written written) {
        EarlierChanges asEarlier() {
            ChangesSection changes = written.changes();
            return new EarlierChanges(changes, () -> new ByteArrayInputStream(bytes, (int) changes.offset(),
                    bytes.length - (int) changes.offset()));
        }
    }
}
