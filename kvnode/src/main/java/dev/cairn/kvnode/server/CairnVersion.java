package dev.cairn.kvnode.server;

import java.util.Comparator;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Cairn release as the cluster version compares it: the major.minor.patch of a semantic version, compared number by
 * number. A pre-release or build suffix is dropped ("0.1.1-SNAPSHOT" and "0.1.0-next" count as 0.1.1 and 0.1.0): the
 * cluster version says which release's entries and formats every member understands, and a pre-release is built for
 * exactly that release — as etcd's cluster version keeps only the numbers of its members' versions.
 */
public record CairnVersion(int major, int minor, int patch) implements Comparable<CairnVersion> {
    private static final Pattern SEMANTIC =
            Pattern.compile("(\\d{1,9})\\.(\\d{1,9})\\.(\\d{1,9})([-+][0-9A-Za-z.+-]+)?");
    private static final Comparator<CairnVersion> ORDER = Comparator.comparingInt(CairnVersion::major)
            .thenComparingInt(CairnVersion::minor).thenComparingInt(CairnVersion::patch);

    public CairnVersion {
        if (major < 0 || minor < 0 || patch < 0) {
            throw new IllegalArgumentException("negative version part in " + major + "." + minor + "." + patch);
        }
    }

    /** The version {@code text} names, or empty when it is not a semantic version (a "development" build, "latest"). */
    public static Optional<CairnVersion> parse(String text) {
        Matcher matcher = SEMANTIC.matcher(text == null ? "" : text.trim());
        if (!matcher.matches()) {
            return Optional.empty();
        }
        return Optional.of(new CairnVersion(Integer.parseInt(matcher.group(1)), Integer.parseInt(matcher.group(2)),
                Integer.parseInt(matcher.group(3))));
    }

    public boolean isBelow(CairnVersion other) {
        return compareTo(other) < 0;
    }

    @Override
    public int compareTo(CairnVersion other) {
        return ORDER.compare(this, other);
    }

    @Override
    public String toString() {
        return major + "." + minor + "." + patch;
    }
}
