package dev.cairn.e2e.controlplane;

import com.google.protobuf.ByteString;
import dev.cairn.kvnode.proto.mvccpb.KeyValue;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;

/**
 * Two key spaces compared key by key and value by value, each read as a stream in key order (etcd's: unsigned
 * bytes), so that any number of keys fits in memory: every key missing on one side, and every value that differs,
 * counts; the first few are kept to be shown.
 */
final class KeyspaceComparison {

    private static final Comparator<ByteString> KEY_ORDER = ByteString.unsignedLexicographicalComparator();

    /**
     * @param expected    keys on the side taken as the truth
     * @param actual      keys on the side checked
     * @param differences how many keys differed (missing, extra, or another value)
     * @param first       the first of them, described
     */
    record Result(long expected, long actual, long differences, List<String> first) {

        boolean same() {
            return differences == 0 && expected == actual;
        }

        @Override
        public String toString() {
            return "%,d keys expected, %,d found, %,d differ%s".formatted(expected, actual, differences,
                    first.isEmpty() ? "" : "; first: " + String.join("; ", first));
        }
    }

    private KeyspaceComparison() {
    }

    static Result compare(Iterator<KeyValue> expected, Iterator<KeyValue> actual, int listAtMost) {
        long expectedCount = 0;
        long actualCount = 0;
        long differences = 0;
        List<String> first = new ArrayList<>();
        KeyValue e = next(expected);
        KeyValue a = next(actual);
        while (e != null || a != null) {
            int order = e == null ? 1 : a == null ? -1 : KEY_ORDER.compare(e.getKey(), a.getKey());
            String difference = null;
            if (order < 0) {
                difference = "missing " + show(e.getKey());
            } else if (order > 0) {
                difference = "unexpected " + show(a.getKey());
            } else if (!e.getValue().equals(a.getValue())) {
                difference = show(e.getKey()) + " is " + show(a.getValue()) + ", expected " + show(e.getValue());
            }
            if (difference != null) {
                differences++;
                if (first.size() < listAtMost) {
                    first.add(difference);
                }
            }
            if (order <= 0) {
                expectedCount++;
                e = next(expected);
            }
            if (order >= 0) {
                actualCount++;
                a = next(actual);
            }
        }
        return new Result(expectedCount, actualCount, differences, first);
    }

    private static KeyValue next(Iterator<KeyValue> keys) {
        return keys.hasNext() ? keys.next() : null;
    }

    /** Printable bytes as text, at most 40 of them; anything else in hex. */
    static String show(ByteString bytes) {
        ByteString shown = bytes.size() > 40 ? bytes.substring(0, 40) : bytes;
        boolean printable = shown.toStringUtf8().chars().allMatch(c -> c >= 0x20 && c < 0x7f);
        String text = printable ? "\"" + shown.toStringUtf8() + "\"" : "0x" + HexFormat.of()
                .formatHex(shown.toByteArray());
        return shown.size() < bytes.size() ? text + "...(" + bytes.size() + " bytes)" : text;
    }
}
