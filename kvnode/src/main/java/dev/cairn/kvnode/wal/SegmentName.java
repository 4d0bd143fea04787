package dev.cairn.kvnode.wal;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A segment file's name: zero-padded sequence number and first raft index, so a plain directory listing sorts in
 * log order and an operator can see which file holds which index without opening it.
 */
record SegmentName(long sequence, long firstIndex) implements Comparable<SegmentName> {
    static final String SUFFIX = ".wal";
    /** Segments are written under this suffix and renamed when complete, so a crash never leaves a half-made one. */
    static final String TEMP_SUFFIX = ".wal.tmp";
    private static final Pattern PATTERN = Pattern.compile("(\\d{16})-(\\d{16})\\.wal");

    String fileName() {
        return String.format("%016d-%016d%s", sequence, firstIndex, SUFFIX);
    }

    Path in(Path dir) {
        return dir.resolve(fileName());
    }

    /** The name parsed from {@code fileName}, or null when it is not a segment. */
    static SegmentName parse(String fileName) {
        Matcher m = PATTERN.matcher(fileName);
        return m.matches() ? new SegmentName(Long.parseLong(m.group(1)), Long.parseLong(m.group(2))) : null;
    }

    @Override
    public int compareTo(SegmentName other) {
        return Long.compare(sequence, other.sequence);
    }
}
