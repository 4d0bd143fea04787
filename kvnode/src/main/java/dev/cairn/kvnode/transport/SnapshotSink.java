package dev.cairn.kvnode.transport;

import dev.cairn.kvnode.raft.pb.SnapshotMetadata;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Where the receiver writes an incoming snapshot file (the member's snapshot directory). The transport commits a
 * file only after every byte arrived and the checksum matched, and hands the MsgSnap to Raft only after the commit
 * returned, so Raft never learns of a snapshot whose file is not durably in place.
 */
public interface SnapshotSink {

    /** Starts receiving the file of the snapshot with this metadata, of {@code size} bytes. */
    IncomingSnapshot begin(SnapshotMetadata metadata, long size) throws IOException;

    /** One file being received: written through {@link #output()}, then either committed or aborted, once. */
    interface IncomingSnapshot {
        OutputStream output();

        /** Makes the file durable and visible under its final name (fsync, rename). */
        void commit() throws IOException;

        /** Drops whatever was written; the snapshot did not arrive. Never throws. */
        void abort();
    }
}
