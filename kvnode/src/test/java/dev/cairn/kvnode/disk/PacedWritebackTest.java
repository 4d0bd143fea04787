package dev.cairn.kvnode.disk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PacedWritebackTest {
    @TempDir
    Path dir;

    @Test
    void everyByteReachesTheFileInOrderAcrossManySyncsAndTheChannelStaysOpen() throws Exception {
        long seed = new Random().nextLong();
        Random random = new Random(seed);
        byte[] data = new byte[300_000];
        random.nextBytes(data);
        Path file = dir.resolve("paced");
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            PacedWriteback out = new PacedWriteback(channel, 4096);
            for (int at = 0; at < data.length;) {
                int length = Math.min(data.length - at, 1 + random.nextInt(20_000));
                if (length == 1) {
                    out.write(data[at]);
                } else {
                    out.write(data, at, length);
                }
                at += length;
            }
            out.close();
            assertThat(channel.isOpen()).as("its owner closes it").isTrue();
        }
        assertThat(Files.readAllBytes(file)).as("seed %d", seed).isEqualTo(data);
    }

    @Test
    void aPaceBelowOneByteIsRefused() throws Exception {
        try (FileChannel channel = FileChannel.open(dir.resolve("f"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE)) {
            assertThatThrownBy(() -> new PacedWriteback(channel, 0)).hasMessageContaining("positive");
        }
    }
}
