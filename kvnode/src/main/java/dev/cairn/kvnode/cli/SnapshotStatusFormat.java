package dev.cairn.kvnode.cli;

import dev.cairn.kvnode.mvcc.BackupFile;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Locale;

/** The ways etcdctl prints {@code snapshot status}, reproduced so that scripts written for it read ours. */
enum SnapshotStatusFormat {
    SIMPLE {
        @Override
        String render(BackupFile.Summary s) {
            return String.join(", ", cells(s)) + "\n";
        }
    },
    TABLE {
        @Override
        String render(BackupFile.Summary s) {
            List<String> headers = List.of("HASH", "REVISION", "TOTAL KEYS", "TOTAL SIZE");
            List<String> values = cells(s);
            StringBuilder rule = new StringBuilder("+");
            StringBuilder head = new StringBuilder("|");
            StringBuilder row = new StringBuilder("|");
            for (int i = 0; i < headers.size(); i++) {
                int width = Math.max(headers.get(i).length(), values.get(i).length());
                rule.append("-".repeat(width + 2)).append('+');
                int left = (width - headers.get(i).length()) / 2;
                head.append(' ').append(" ".repeat(left)).append(headers.get(i))
                        .append(" ".repeat(width - headers.get(i).length() - left)).append(" |");
                row.append(' ').append(" ".repeat(width - values.get(i).length())).append(values.get(i))
                        .append(" |");
            }
            return rule + "\n" + head + "\n" + rule + "\n" + row + "\n" + rule + "\n";
        }
    },
    JSON {
        @Override
        String render(BackupFile.Summary s) {
            return String.format(Locale.ROOT, "{\"hash\":%d,\"revision\":%d,\"totalKey\":%d,\"totalSize\":%d}%n",
                    Integer.toUnsignedLong(s.hash()), s.revision(), s.totalKeys(), s.totalSize());
        }
    };

    abstract String render(BackupFile.Summary summary);

    static SnapshotStatusFormat named(String name) {
        try {
            return valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--write-out must be simple, table or json, got '" + name + "'");
        }
    }

    private static List<String> cells(BackupFile.Summary s) {
        return List.of(Integer.toHexString(s.hash()), Long.toString(s.revision()), Long.toString(s.totalKeys()),
                humanBytes(s.totalSize()));
    }

    /**
     * Sizes as etcdctl prints them (go-humanize's Bytes): SI units, one decimal below 10, none from 10 on, rounded
     * half to even as Go's formatting does ("20 kB" for 20480 bytes, "2.1 MB").
     */
    static String humanBytes(long bytes) {
        if (bytes < 10) {
            return bytes + " B";
        }
        String[] units = {"B", "kB", "MB", "GB", "TB", "PB", "EB"};
        int exponent = (int) Math.floor(Math.log(bytes) / Math.log(1000));
        double tenths = Math.floor(bytes / Math.pow(1000, exponent) * 10 + 0.5) / 10;
        BigDecimal value = BigDecimal.valueOf(tenths);
        String shown = tenths < 10 ? value.setScale(1, RoundingMode.HALF_EVEN).toPlainString()
                : value.setScale(0, RoundingMode.HALF_EVEN).toPlainString();
        return shown + " " + units[exponent];
    }
}
