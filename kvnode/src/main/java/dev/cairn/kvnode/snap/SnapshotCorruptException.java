package dev.cairn.kvnode.snap;

import java.io.IOException;
import java.nio.file.Path;

/** A snapshot file is not what {@link Snapshotter#save} wrote: damaged, truncated, or misnamed. */
public final class SnapshotCorruptException extends IOException {
    private final Path file;

    public SnapshotCorruptException(Path file, String reason) {
        super(file + ": " + reason);
        this.file = file;
    }

    public Path file() {
        return file;
    }
}
