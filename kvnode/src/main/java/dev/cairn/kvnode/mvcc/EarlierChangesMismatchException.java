package dev.cairn.kvnode.mvcc;

import java.io.IOException;

/**
 * The bytes of an earlier image's changes, copied into a new image, did not match their checksum (or ended early):
 * the file that held them changed since it was written. The new image is unusable; write it again from the backend.
 */
public final class EarlierChangesMismatchException extends IOException {
    public EarlierChangesMismatchException(String message) {
        super(message);
    }
}
