package dev.cairn.kvnode.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Scratch directories for the storage benchmarks, under the build's {@code target/} directory: it sits on the disk
 * the project is built on, which is the disk under test, whereas {@code /tmp} may be a RAM-backed tmpfs whose
 * "fsync" costs nothing. The location follows the compiled benchmark classes ({@code target/test-classes}), so it
 * does not depend on the working directory JMH's forked JVM was started in; {@code -Dcairn.bench.dir=...} points it
 * elsewhere (another disk, say).
 */
final class BenchDirectories {
    private BenchDirectories() {
    }

    /** A new empty directory named {@code prefix...} under {@code target/bench-storage}. */
    static Path create(String prefix) throws IOException {
        Path base = base();
        Files.createDirectories(base);
        return Files.createTempDirectory(base, prefix);
    }

    /** Removes {@code dir} and everything in it; a benchmark leaves nothing behind but its results. */
    static void delete(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.delete(path);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot delete " + path, e);
                }
            });
        }
    }

    private static Path base() {
        String override = System.getProperty("cairn.bench.dir");
        if (override != null && !override.isBlank()) {
            return Path.of(override);
        }
        try {
            Path classes = Path.of(BenchDirectories.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            // .../kvnode/target/test-classes -> .../kvnode/target
            Path target = Files.isDirectory(classes) ? classes.getParent() : null;
            if (target == null || !target.getFileName().toString().equals("target")) {
                throw new IllegalStateException("benchmark classes are not under a target/ directory (" + classes
                        + "); set -Dcairn.bench.dir to a directory on the disk to measure");
            }
            return target.resolve("bench-storage");
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot locate the benchmark classes", e);
        }
    }
}
