package dev.cairn.kvnode.snap;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A snapshot file's name: term and index as 16 hex digits each, so an operator can tell which log prefix a file
 * replaces without opening it. The header repeats both, and a file whose header disagrees with its name is rejected:
 * a renamed or misplaced file must not be taken for a different point in the log.
 */
record SnapshotName(long term, long index) implements Comparable<SnapshotName> {
    static final String SUFFIX = ".snap";
    /** Snapshots are written under this suffix and renamed when complete, so a crash never leaves a half-made one. */
    static final String TEMP_SUFFIX = ".snap.tmp";
    private static final Pattern PATTERN = Pattern.compile("([0-9a-f]{16})-([0-9a-f]{16})\\.snap");

    String fileName() {
        return String.format("%016x-%016x%s", term, index, SUFFIX);
    }

    Path in(Path dir) {
        return dir.resolve(fileName());
    }

    Path tempIn(Path dir) {
        return dir.resolve(fileName() + ".tmp");
    }

    /** The name parsed from {@code fileName}, or null when it is not a snapshot. */
    static SnapshotName parse(String fileName) {
        Matcher m = PATTERN.matcher(fileName);
        return m.matches()
                ? new SnapshotName(Long.parseUnsignedLong(m.group(1), 16), Long.parseUnsignedLong(m.group(2), 16))
                : null;
    }

    /** Newer means a longer log prefix: ordered by index, and by term only to make the order total. */
    @Override
    public int compareTo(SnapshotName other) {
        int byIndex = Long.compare(index, other.index);
        return byIndex != 0 ? byIndex : Long.compare(term, other.term);
    }
}
