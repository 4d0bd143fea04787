package dev.cairn.kvnode.disk;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Writes a large file through its channel and forces what was written each time {@code bytesPerSync} more bytes have
 * gone out, so its dirty pages reach the disk in steady small steps while it is written. Without it a snapshot's
 * hundreds of megabytes stay in the page cache (the kernel starts writing back only at gigabytes, or after 30 s) and
 * are all flushed by the final fsync at once, and the WAL's small fsyncs on the same disk queue behind them: a stall
 * of every write in the cluster. RocksDB's {@code bytes_per_sync} exists for the same reason.
 */
public final class PacedWriteback extends OutputStream {
    /** Small enough that a WAL fsync waits behind little, large enough that the extra fsyncs cost nothing. */
    public static final long DEFAULT_BYTES_PER_SYNC = 8L << 20;

    private final FileChannel channel;
    private final long bytesPerSync;
    private long sinceSync;

    public PacedWriteback(FileChannel channel, long bytesPerSync) {
        if (bytesPerSync < 1) {
            throw new IllegalArgumentException("bytes per sync must be positive, got " + bytesPerSync);
        }
        this.channel = channel;
        this.bytesPerSync = bytesPerSync;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes, offset, length);
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
        sinceSync += length;
        if (sinceSync >= bytesPerSync) {
            channel.force(false);
            sinceSync = 0;
        }
    }

    /** Leaves the channel open: its owner makes the file durable (with its metadata) and closes it. */
    @Override
    public void close() {
    }
}
