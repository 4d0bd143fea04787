package dev.cairn.e2e.diff;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The steps where kvnode is known to print something else than etcd, each with its reason. One line per entry:
 * {@code <step-id>: <reason>}, or {@code <step-id> [members=3]: <reason>} for a difference that holds only for that
 * cluster size. Lines starting with # are comments.
 */
final class KnownDifferences {
    private static final Pattern ENTRY = Pattern.compile("^(\\S+)(?:\\s+\\[members=(\\d+)])?\\s*:\\s*(\\S.*)$");

    /** A listed difference; {@code members} is 0 when it holds for every cluster size. */
    record Entry(String stepId, int members, String reason) {
        boolean appliesTo(int clusterSize) {
            return members == 0 || members == clusterSize;
        }
    }

    private final Map<String, Entry> entries;

    private KnownDifferences(Map<String, Entry> entries) {
        this.entries = entries;
    }

    static KnownDifferences parse(String text) {
        Map<String, Entry> entries = new LinkedHashMap<>();
        String[] lines = text.split("\n");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            Matcher matcher = ENTRY.matcher(line);
            if (!matcher.matches()) {
                throw new IllegalArgumentException("known differences line " + (i + 1)
                        + ": expected '<step-id> [members=N]: <reason>', got: " + line);
            }
            int members = matcher.group(2) == null ? 0 : Integer.parseInt(matcher.group(2));
            Entry entry = new Entry(matcher.group(1), members, matcher.group(3));
            String key = key(entry.stepId(), members);
            if (entries.put(key, entry) != null) {
                throw new IllegalArgumentException("known differences line " + (i + 1) + ": listed twice: " + key);
            }
        }
        return new KnownDifferences(entries);
    }

    /** The entry that explains a difference at {@code stepId} on a cluster of {@code clusterSize}, if any. */
    Optional<Entry> find(String stepId, int clusterSize) {
        return Optional.ofNullable(entries.get(key(stepId, clusterSize)))
                .or(() -> Optional.ofNullable(entries.get(key(stepId, 0))));
    }

    List<Entry> entries() {
        return List.copyOf(entries.values());
    }

    private static String key(String stepId, int members) {
        return stepId + "@" + members;
    }
}
