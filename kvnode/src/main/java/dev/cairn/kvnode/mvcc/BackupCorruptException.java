package dev.cairn.kvnode.mvcc;

import java.io.IOException;
import java.nio.file.Path;

/** A backup file that must not be restored from: it is truncated, damaged, or not a backup at all. */
public final class BackupCorruptException extends IOException {
    public BackupCorruptException(Path file, String why) {
        super("snapshot file " + file + " is unusable: " + why);
    }
}
