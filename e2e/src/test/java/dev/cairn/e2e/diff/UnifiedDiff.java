package dev.cairn.e2e.diff;

import java.util.ArrayList;
import java.util.List;

/**
 * A unified diff of two short texts (whole-file hunk, no context limit), for failure messages: the outputs of one
 * step are a few lines, so the quadratic longest-common-subsequence is cheap and the full picture is clearest.
 */
final class UnifiedDiff {
    private UnifiedDiff() {
    }

    static String of(String expectedName, String expected, String actualName, String actual) {
        List<String> a = List.of(expected.split("\n", -1));
        List<String> b = List.of(actual.split("\n", -1));
        int[][] common = new int[a.size() + 1][b.size() + 1];
        for (int i = a.size() - 1; i >= 0; i--) {
            for (int j = b.size() - 1; j >= 0; j--) {
                common[i][j] = a.get(i).equals(b.get(j)) ? common[i + 1][j + 1] + 1
                        : Math.max(common[i + 1][j], common[i][j + 1]);
            }
        }
        List<String> lines = new ArrayList<>();
        lines.add("--- " + expectedName);
        lines.add("+++ " + actualName);
        int i = 0;
        int j = 0;
        while (i < a.size() || j < b.size()) {
            if (i < a.size() && j < b.size() && a.get(i).equals(b.get(j))) {
                lines.add(" " + a.get(i++));
                j++;
            } else if (i < a.size() && (j == b.size() || common[i + 1][j] >= common[i][j + 1])) {
                // Removals before additions on a tie, as diff -u prints a changed line.
                lines.add("-" + a.get(i++));
            } else {
                lines.add("+" + b.get(j++));
            }
        }
        return String.join("\n", lines);
    }
}
