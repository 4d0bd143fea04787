package dev.cairn.kvnode.mvcc;

import java.io.IOException;
import java.io.InputStream;

/**
 * The changes section of an image written earlier, and a way to read its bytes again (from the snapshot file that
 * holds it): a new image copies them when the store still holds exactly those changes. The bytes are checked
 * against the section's checksum as they are copied.
 *
 * @param section what the bytes are
 * @param bytes opens a stream positioned at the section's first byte; the caller closes it
 */
public record EarlierChanges(ChangesSection section, Opener bytes) {

    /** Opens the section's bytes. */
    @FunctionalInterface
    public interface Opener {
        InputStream open() throws IOException;
    }
}
