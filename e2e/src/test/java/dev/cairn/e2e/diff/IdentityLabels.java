package dev.cairn.e2e.diff;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Labels for values that differ between two clusters by construction (lease ids, hashes, ids of members added at
 * run time), given by order of first appearance within one run: the first lease granted is {@code <lease-1>} on both
 * sides. Equal values get equal labels, so a run where two values should differ but do not (or the reverse) still
 * shows up after normalization.
 */
final class IdentityLabels {
    private final Map<String, Map<Long, String>> byKind = new LinkedHashMap<>();

    /** The label of {@code value} among values of {@code kind}; a new one if it was not seen before. */
    String label(String kind, long value) {
        Map<Long, String> labels = byKind.computeIfAbsent(kind, k -> new LinkedHashMap<>());
        return labels.computeIfAbsent(value, v -> "<" + kind + "-" + ordinal(kind, labels.size()) + ">");
    }

    /** Every value labelled so far, with its label. */
    Map<Long, String> all() {
        Map<Long, String> all = new LinkedHashMap<>();
        byKind.values().forEach(all::putAll);
        return all;
    }

    /** Hashes are lettered (A, B, ...) so they do not read like counts; everything else is numbered from 1. */
    private static String ordinal(String kind, int index) {
        if (kind.equals("hash")) {
            StringBuilder letters = new StringBuilder();
            for (int i = index; i >= 0; i = i / 26 - 1) {
                letters.insert(0, (char) ('A' + i % 26));
            }
            return letters.toString();
        }
        return Integer.toString(index + 1);
    }
}
