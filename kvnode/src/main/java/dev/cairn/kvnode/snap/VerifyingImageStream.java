package dev.cairn.kvnode.snap;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * The image region of a snapshot file, checksummed as it is read. The CRC also covers the header, so the header is
 * read (not skipped) first; when the last image byte has been read, the trailer is checked before that read returns.
 */
final class VerifyingImageStream extends InputStream {
    private final Path path;
    private final InputStream in;
    private final CRC32C crc = new CRC32C();
    private final long imageLength;
    private long remaining;

    private VerifyingImageStream(Path path, InputStream in, long imageLength) {
        this.path = path;
        this.in = in;
        this.imageLength = imageLength;
        this.remaining = imageLength;
    }

    static InputStream open(Path path, int headerSize, long imageLength) throws IOException {
        InputStream in = new BufferedInputStream(Files.newInputStream(path), SnapshotFile.CHUNK);
        try {
            byte[] header = in.readNBytes(headerSize);
            if (header.length < headerSize) {
                throw new SnapshotCorruptException(path, "file shrank since it was verified");
            }
            VerifyingImageStream stream = new VerifyingImageStream(path, in, imageLength);
            stream.crc.update(header);
            if (imageLength == 0) {
                stream.checkTrailer();
            }
            return stream;
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (remaining == 0) {
            return -1;
        }
        int n = in.read(buf, off, (int) Math.min(len, remaining));
        if (n < 0) {
            throw new SnapshotCorruptException(path, "file shrank since it was verified");
        }
        crc.update(buf, off, n);
        remaining -= n;
        if (remaining == 0) {
            checkTrailer();
        }
        return n;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    private void checkTrailer() throws IOException {
        byte[] trailer = in.readNBytes(SnapshotFormat.TRAILER_SIZE);
        String problem = trailer.length < SnapshotFormat.TRAILER_SIZE ? "file shrank since it was verified"
                : SnapshotFormat.checkTrailer(trailer, imageLength, crc);
        if (problem != null) {
            throw new SnapshotCorruptException(path, problem);
        }
    }
}
