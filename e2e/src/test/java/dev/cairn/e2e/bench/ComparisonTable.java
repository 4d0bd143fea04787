package dev.cairn.e2e.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The cluster comparison as one Markdown table: a row per (members, workload, clients), etcd and kvnode side by side
 * with the ratio kvnode / etcd, for throughput and for p99 latency. A ratio above 1 is better for kvnode in the
 * ops/s column and worse in the p99 column. A side that failed shows "failed" and its reason is listed under the table.
 */
final class ComparisonTable {
    /** What one {@code kvnode bench -w json} run reported, reduced to what the table shows. */
    record Measurement(double opsPerSecond, double p50Ms, double p99Ms, long errors, String firstError) {
    }

    record RowKey(int members, String workload, int clients) {
    }

    /** One side of a row: a measurement, or why there is none. */
    private record Cell(Measurement measurement, String failure) {
    }

    private final Map<RowKey, Cell[]> rows = new LinkedHashMap<>();

    void add(RowKey row, ServerProcess.Kind kind, Measurement measurement) {
        cells(row)[kind.ordinal()] = new Cell(measurement, null);
    }

    void fail(RowKey row, ServerProcess.Kind kind, String reason) {
        cells(row)[kind.ordinal()] = new Cell(null, reason);
    }

    private Cell[] cells(RowKey row) {
        return rows.computeIfAbsent(row, r -> new Cell[ServerProcess.Kind.values().length]);
    }

    String toMarkdown() {
        StringBuilder out = new StringBuilder();
        out.append("| members | workload | clients | etcd ops/s | kvnode ops/s | ops/s kvnode/etcd | etcd p50 (ms) "
                + "| kvnode p50 (ms) | etcd p99 (ms) | kvnode p99 (ms) | p99 kvnode/etcd | errors etcd / kvnode |\n");
        out.append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        List<String> notes = new ArrayList<>();
        for (Map.Entry<RowKey, Cell[]> row : rows.entrySet()) {
            RowKey key = row.getKey();
            Measurement etcd = measurement(row.getValue()[ServerProcess.Kind.ETCD.ordinal()]);
            Measurement kvnode = measurement(row.getValue()[ServerProcess.Kind.KVNODE.ordinal()]);
            out.append(String.format(Locale.ROOT, "| %d | %s | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s / %s |%n",
                    key.members(), key.workload(), key.clients(),
                    value(etcd, "%,.0f", Measurement::opsPerSecond), value(kvnode, "%,.0f", Measurement::opsPerSecond),
                    ratio(etcd, kvnode, Measurement::opsPerSecond),
                    value(etcd, "%.2f", Measurement::p50Ms), value(kvnode, "%.2f", Measurement::p50Ms),
                    value(etcd, "%.2f", Measurement::p99Ms), value(kvnode, "%.2f", Measurement::p99Ms),
                    ratio(etcd, kvnode, Measurement::p99Ms), errors(etcd), errors(kvnode)));
            for (ServerProcess.Kind kind : ServerProcess.Kind.values()) {
                Cell cell = row.getValue()[kind.ordinal()];
                String where = key.members() + " member(s), " + key.workload() + ", " + key.clients() + " clients: ";
                if (cell == null) {
                    notes.add(name(kind) + ", " + where + "not run");
                } else if (cell.failure() != null) {
                    notes.add(name(kind) + ", " + where + "failed: " + cell.failure());
                } else if (cell.measurement().errors() > 0) {
                    notes.add(name(kind) + ", " + where + cell.measurement().errors() + " errors, first: "
                            + cell.measurement().firstError());
                }
            }
        }
        if (!notes.isEmpty()) {
            out.append('\n');
            notes.forEach(note -> out.append("- ").append(note).append('\n'));
        }
        return out.toString();
    }

    private static Measurement measurement(Cell cell) {
        return cell == null ? null : cell.measurement();
    }

    private interface Figure {
        double of(Measurement m);
    }

    private static String value(Measurement m, String format, Figure figure) {
        return m == null ? "failed" : String.format(Locale.ROOT, format, figure.of(m));
    }

    /** kvnode / etcd; a dash when a side is missing or etcd's figure is zero (no ratio to speak of). */
    static String ratio(Measurement etcd, Measurement kvnode, Figure figure) {
        if (etcd == null || kvnode == null || !(figure.of(etcd) > 0)) {
            return "—";
        }
        return String.format(Locale.ROOT, "%.2f", figure.of(kvnode) / figure.of(etcd));
    }

    private static String errors(Measurement m) {
        return m == null ? "—" : Long.toString(m.errors());
    }

    static String name(ServerProcess.Kind kind) {
        return kind.name().toLowerCase(Locale.ROOT);
    }
}
