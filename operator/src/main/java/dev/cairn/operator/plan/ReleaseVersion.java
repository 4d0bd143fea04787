package dev.cairn.operator.plan;

import java.util.Comparator;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Cairn release as kvnode compares releases for its cluster version: major.minor.patch of a semantic version,
 * number by number, with a pre-release or build suffix dropped ("0.1.0-next" is release 0.1.0). kvnode's
 * {@code CairnVersion} applies the same rule; the operator does not depend on kvnode's code, so it has its own.
 */
public record ReleaseVersion(int major, int minor, int patch) implements Comparable<ReleaseVersion> {
    private static final Pattern SEMANTIC =
            Pattern.compile("(\\d{1,9})\\.(\\d{1,9})\\.(\\d{1,9})([-+][0-9A-Za-z.+-]+)?");
    private static final Comparator<ReleaseVersion> ORDER = Comparator.comparingInt(ReleaseVersion::major)
            .thenComparingInt(ReleaseVersion::minor).thenComparingInt(ReleaseVersion::patch);

    /** The release {@code text} names; empty when it is not a semantic version (null, "latest", a digest). */
    public static Optional<ReleaseVersion> parse(String text) {
        Matcher matcher = SEMANTIC.matcher(text == null ? "" : text.trim());
        if (!matcher.matches()) {
            return Optional.empty();
        }
        return Optional.of(new ReleaseVersion(Integer.parseInt(matcher.group(1)), Integer.parseInt(matcher.group(2)),
                Integer.parseInt(matcher.group(3))));
    }

    public boolean isBelow(ReleaseVersion other) {
        return compareTo(other) < 0;
    }

    @Override
    public int compareTo(ReleaseVersion other) {
        return ORDER.compare(this, other);
    }

    @Override
    public String toString() {
        return major + "." + minor + "." + patch;
    }
}
