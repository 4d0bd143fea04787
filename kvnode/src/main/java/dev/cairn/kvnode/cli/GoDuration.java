package dev.cairn.kvnode.cli;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A duration as Go (and so etcd) writes it: 100ms, 1s, 1m30s. Shared by {@code serve} and {@code bench}, so that
 * flags copied from an etcd command line keep their meaning.
 */
public final class GoDuration {
    private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h)");

    private GoDuration() {
    }

    public static Duration parse(String value) {
        Matcher part = PART.matcher(value);
        Duration total = Duration.ZERO;
        int end = 0;
        while (part.find() && part.start() == end) {
            long amount = Long.parseLong(part.group(1));
            total = total.plus(switch (part.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                default -> Duration.ofHours(amount);
            });
            end = part.end();
        }
        if (end == 0 || end != value.length()) {
            throw new IllegalArgumentException("'" + value + "' is not a duration like 100ms or 1s");
        }
        return total;
    }
}
