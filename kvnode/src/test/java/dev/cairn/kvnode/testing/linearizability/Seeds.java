package dev.cairn.kvnode.testing.linearizability;

import java.util.stream.LongStream;

/**
 * The seeds a generated-history test runs: 1..count, or only the one given as {@code -Dlin.seed=N} to replay a
 * failure (every assertion message names its seed).
 */
final class Seeds {
    private Seeds() {
    }

    static LongStream forTest(int count) {
        String replay = System.getProperty("lin.seed");
        if (replay != null && !replay.isBlank()) {
            return LongStream.of(Long.parseLong(replay.trim()));
        }
        return LongStream.rangeClosed(1, count);
    }

    static boolean replaying() {
        String replay = System.getProperty("lin.seed");
        return replay != null && !replay.isBlank();
    }
}
