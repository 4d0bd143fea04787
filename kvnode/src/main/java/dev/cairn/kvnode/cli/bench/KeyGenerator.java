package dev.cairn.kvnode.cli.bench;

import com.google.protobuf.ByteString;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Keys of exactly {@code keySize} bytes for the numbers 0 .. keySpaceSize-1: the number in decimal, left-padded with
 * '0' (readable with etcdctl, and every number has its own key, which a binary or truncated encoding would not
 * promise). Numbers are drawn uniformly at random or, with {@code sequential}, in order and wrapping around the key
 * space, as etcd's benchmark does. Thread-safe: every client of a run draws from one generator.
 */
final class KeyGenerator {
    private final int keySize;
    private final long keySpaceSize;
    private final boolean sequential;
    private final AtomicLong next = new AtomicLong();

    KeyGenerator(int keySize, long keySpaceSize, boolean sequential) {
        if (keySpaceSize < 1) {
            throw new IllegalArgumentException("--key-space-size must be at least 1, not " + keySpaceSize);
        }
        int digits = Long.toString(keySpaceSize - 1).length();
        if (keySize < digits) {
            throw new IllegalArgumentException("--key-size " + keySize + " cannot hold " + keySpaceSize
                    + " distinct keys: it needs at least " + digits + " bytes");
        }
        this.keySize = keySize;
        this.keySpaceSize = keySpaceSize;
        this.sequential = sequential;
    }

    long keySpaceSize() {
        return keySpaceSize;
    }

    /** The number of the next key to use. */
    long nextNumber() {
        return sequential ? next.getAndIncrement() % keySpaceSize
                : ThreadLocalRandom.current().nextLong(keySpaceSize);
    }

    ByteString next() {
        return key(nextNumber());
    }

    /** The key of number {@code n} (taken modulo the key space, so callers may step past its end). */
    ByteString key(long n) {
        String digits = Long.toString(Math.floorMod(n, keySpaceSize));
        byte[] key = new byte[keySize];
        int pad = keySize - digits.length();
        for (int i = 0; i < pad; i++) {
            key[i] = '0';
        }
        for (int i = 0; i < digits.length(); i++) {
            key[pad + i] = (byte) digits.charAt(i);
        }
        return ByteString.copyFrom(key);
    }
}
