package dev.cairn.kvnode.wal;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The log holds damaged data that a crash cannot explain (a bad record with intact records after it, or in a
 * segment that was complete). Opening refuses rather than guess: skipping it could silently lose synced entries.
 */
public final class WalCorruptException extends IOException {
    private final Path file;
    private final long offset;

    public WalCorruptException(Path file, long offset, String reason) {
        super(file + " at byte offset " + offset + ": " + reason);
        this.file = file;
        this.offset = offset;
    }

    public Path file() {
        return file;
    }

    public long offset() {
        return offset;
    }
}
