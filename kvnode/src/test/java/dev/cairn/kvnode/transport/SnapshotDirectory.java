package dev.cairn.kvnode.transport;

import dev.cairn.kvnode.raft.pb.SnapshotMetadata;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test member's snapshot files on disk, as the transport's source and sink: sent files are read from
 * {@code <index>.snap}; received ones are written to {@code <index>.snap.part}, fsynced and renamed on commit,
 * deleted on abort.
 */
final class SnapshotDirectory implements SnapshotSource, SnapshotSink {
    private final Path dir;
    private final AtomicInteger aborts = new AtomicInteger();

    SnapshotDirectory(Path dir) throws IOException {
        this.dir = Files.createDirectories(dir);
    }

    Path file(long index) {
        return dir.resolve(index + ".snap");
    }

    int aborts() {
        return aborts.get();
    }

    @Override
    public SnapshotFile open(SnapshotMetadata metadata) throws IOException {
        Path file = file(metadata.index());
        InputStream input = Files.newInputStream(file);
        return new SnapshotFile(input, Files.size(file));
    }

    @Override
    public IncomingSnapshot begin(SnapshotMetadata metadata, long size) throws IOException {
        Path target = file(metadata.index());
        Path part = dir.resolve(metadata.index() + ".snap.part");
        FileOutputStream output = new FileOutputStream(part.toFile());
        return new IncomingSnapshot() {
            @Override
            public OutputStream output() {
                return output;
            }

            @Override
            public void commit() throws IOException {
                output.flush();
                output.getFD().sync();
                output.close();
                Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
            }

            @Override
            public void abort() {
                aborts.incrementAndGet();
                try {
                    output.close();
                    Files.deleteIfExists(part);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        };
    }
}
