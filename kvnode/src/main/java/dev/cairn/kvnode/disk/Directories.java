package dev.cairn.kvnode.disk;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Consumer;

/**
 * Fsync of a directory, which makes file creations, renames and deletions in it durable. Shared by everything that
 * writes files: the WAL, snapshots and backend images.
 */
public final class Directories {
    private static volatile Consumer<Path> observer = dir -> {
    };

    private Directories() {
    }

    /**
     * For tests of durability ordering (raft-scenarios D-2): {@code seen} is called after every directory fsync with
     * the directory, until the returned handle is closed.
     */
    public static AutoCloseable observeSyncs(Consumer<Path> seen) {
        observer = seen;
        return () -> observer = dir -> {
        };
    }

    /**
     * A new file's data can be synced and still be lost in a crash if its directory entry was not; Linux lets a
     * directory be opened for reading and forced to persist its entries.
     */
    public static void sync(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
        observer.accept(dir);
    }
}
