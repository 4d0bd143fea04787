package dev.cairn.kvnode.snap;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What {@link Snapshotter#loadNewest} found: the newest valid snapshot, if any, and every newer file it had to skip.
 * Skipped files are reported rather than deleted or logged, so the caller decides whether a damaged snapshot is
 * worth an alarm and the evidence stays on disk.
 */
public record LoadResult(Optional<SnapshotFile> newest, List<Rejected> rejected) {
    public LoadResult {
        rejected = List.copyOf(rejected);
    }

    /** A snapshot file that failed verification, and why. */
    public record Rejected(Path file, String reason) {
    }
}
