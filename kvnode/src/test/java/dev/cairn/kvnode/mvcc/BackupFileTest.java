package dev.cairn.kvnode.mvcc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The backup framing: an image padded to 512 bytes and its SHA-256, which etcdctl checks by length and our reader by
 * digest; a status computed from the file alone agrees with the live store; any damage is refused.
 */
class BackupFileTest {
    private static final long SEED = Long.getLong("seed", System.nanoTime());

    @TempDir
    Path dir;

    @Test
    void aBackupHasEtcdctlsLengthAndAVerifiedDigest() throws IOException {
        try (MvccStore store = filledStore()) {
            Path backup = writeBackup(store);

            assertThat(BackupFile.hasDigestLength(Files.size(backup))).isTrue();
            assertThat(Files.size(backup) % BackupFile.ALIGNMENT).isEqualTo(BackupFile.DIGEST_BYTES);
            assertThat(BackupFile.open(backup).path()).isEqualTo(backup);
        }
    }

    @Test
    void statusFromTheFileMatchesTheLiveStore() throws IOException {
        try (MvccStore store = filledStore()) {
            Path backup = writeBackup(store);

            BackupFile.Summary summary = BackupFile.open(backup).summarize();

            assertThat(summary.hash()).as("seed " + SEED).isEqualTo(store.hashAll());
            assertThat(summary.revision()).isEqualTo(store.currentRevision());
            assertThat(summary.totalSize()).isEqualTo(Files.size(backup));
            assertThat(summary.totalKeys()).isPositive();
        }
    }

    @Test
    void aRestoreFromTheBackupHoldsTheSameState() throws IOException {
        try (MvccStore store = filledStore()) {
            Path backup = writeBackup(store);
            Path restored = dir.resolve("restored.db");

            try (InputStream image = BackupFile.open(backup).openImage()) {
                StoreImage.restore(image, restored);
            }

            try (MvccStore copy = MvccStore.open(restored)) {
                assertThat(copy.hashAll()).as("seed " + SEED).isEqualTo(store.hashAll());
                assertThat(StoreFixture.everything(copy, 0)).isEqualTo(StoreFixture.everything(store, 0));
            }
        }
    }

    @Test
    void everyFlippedByteIsRefused() throws IOException {
        try (MvccStore store = filledStore()) {
            Path backup = writeBackup(store);
            byte[] bytes = Files.readAllBytes(backup);
            Random random = new Random(SEED);
            for (int i = 0; i < 20; i++) {
                int at = random.nextInt(bytes.length);
                byte[] damaged = bytes.clone();
                damaged[at] ^= (byte) (1 + random.nextInt(255));
                Path file = dir.resolve("damaged-" + i + ".db");
                Files.write(file, damaged);

                assertThatThrownBy(() -> BackupFile.open(file)).as("seed %d, byte %d", SEED, at)
                        .isInstanceOf(BackupCorruptException.class).hasMessageContaining("SHA-256");
            }
        }
    }

    @Test
    void aTruncatedOrForeignFileIsRefusedByItsLength() throws IOException {
        try (MvccStore store = filledStore()) {
            Path backup = writeBackup(store);
            byte[] bytes = Files.readAllBytes(backup);
            Path truncated = dir.resolve("truncated.db");
            Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length - 1));

            assertThatThrownBy(() -> BackupFile.open(truncated)).isInstanceOf(BackupCorruptException.class)
                    .hasMessageContaining("truncated or not a snapshot");
        }
    }

    private MvccStore filledStore() {
        MvccStore store = MvccStore.open(dir.resolve("kv.db"));
        List<StoreFixture.Op> ops = StoreFixture.randomOps(new Random(SEED), 300, 40);
        long index = 0;
        for (StoreFixture.Op op : ops) {
            StoreFixture.apply(store, op, ++index);
        }
        try (WriteTxn txn = store.beginWrite(new ApplyPosition(++index, 1))) {
            txn.putInBucket(Bucket.ALARM, new byte[] {1, 2, 3}, new byte[0]);
            txn.putInBucket(Bucket.MEMBERS, new byte[] {(byte) 0x90}, new byte[] {7});
            txn.commit();
        }
        store.compact(store.currentRevision() / 2, new ApplyPosition(++index, 1)).join();
        return store;
    }

    private Path writeBackup(MvccStore store) throws IOException {
        Path backup = dir.resolve("backup.db");
        try (OutputStream out = Files.newOutputStream(backup)) {
            byte[] digest = BackupFile.writeBody(store.captureImage(), out);
            out.write(digest);
        }
        return backup;
    }
}
