package dev.cairn.kvnode.transport;

import dev.cairn.kvnode.raft.pb.SnapshotMetadata;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;

/** Where the snapshot sender reads the file that a MsgSnap stands for (the member's snapshot directory). */
public interface SnapshotSource {

    /** Opens the file of the snapshot with this metadata, for one transfer; the caller closes it. */
    SnapshotFile open(SnapshotMetadata metadata) throws IOException;

    /** An open snapshot file and its size in bytes. */
    record SnapshotFile(InputStream input, long size) implements Closeable {
        @Override
        public void close() throws IOException {
            input.close();
        }
    }
}
