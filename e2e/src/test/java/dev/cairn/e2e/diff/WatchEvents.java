package dev.cairn.e2e.diff;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Counts the events etcdctl's watch printed so far, in the simple format (a PUT/DELETE line each) or as JSON. */
final class WatchEvents {
    private static final Pattern SIMPLE = Pattern.compile("(?m)^(PUT|DELETE)$");
    // "prev_kv":{ does not match: the quote must come right before kv.
    private static final Pattern JSON = Pattern.compile("\"kv\":\\{");

    private WatchEvents() {
    }

    static int count(String stdout) {
        return occurrences(SIMPLE.matcher(stdout)) + occurrences(JSON.matcher(stdout));
    }

    private static int occurrences(Matcher matcher) {
        int n = 0;
        while (matcher.find()) {
            n++;
        }
        return n;
    }
}
