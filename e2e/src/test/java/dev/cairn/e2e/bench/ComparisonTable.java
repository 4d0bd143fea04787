package dev.cairn.e2e.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The cluster comparison as one Markdown table: a row per (members, workload, clients), etcd and kvnode side by side
 * with the ratio kvnode / etcd, for throughput and for p99 latency. A ratio above 1 is better for kvnode in the
 * ops/s column and worse in the p99 column.
 *
 * <p>A row may be measured several times per side (runs interleaved in time, see {@link BenchCluster}): each figure is
 * then the median of its runs, the spread column gives the lowest and highest ops/s of each side, and the pair column
 * the lowest and highest ratio of runs made one right after the other — on a machine whose speed drifts, the pairs
 * show whether the ratio holds at every moment or only on average. A run that failed is listed under the table with
 * its reason; a side with no successful run shows "failed".
 */
final class ComparisonTable {
    /** What one {@code kvnode bench -w json} run reported, reduced to what the table shows. */
    record Measurement(double opsPerSecond, double p50Ms, double p99Ms, long errors, String firstError) {
    }

    record RowKey(int members, String workload, int clients) {
    }

    /** One side of a row: its runs in the order they were made (null where a run failed), and why each failed. */
    private static final class Side {
        final List<Measurement> runs = new ArrayList<>();
        final List<String> failures = new ArrayList<>();

        List<Measurement> measured() {
            return runs.stream().filter(m -> m != null).toList();
        }
    }

    private final Map<RowKey, Side[]> rows = new LinkedHashMap<>();

    void add(RowKey row, ServerProcess.Kind kind, Measurement measurement) {
        side(row, kind).runs.add(measurement);
    }

    void fail(RowKey row, ServerProcess.Kind kind, String reason) {
        Side side = side(row, kind);
        side.runs.add(null);
        side.failures.add(reason);
    }

    private Side side(RowKey row, ServerProcess.Kind kind) {
        Side[] sides = rows.computeIfAbsent(row, r -> new Side[ServerProcess.Kind.values().length]);
        if (sides[kind.ordinal()] == null) {
            sides[kind.ordinal()] = new Side();
        }
        return sides[kind.ordinal()];
    }

    String toMarkdown() {
        StringBuilder out = new StringBuilder();
        out.append("| members | workload | clients | runs | etcd ops/s | kvnode ops/s | ops/s kvnode/etcd "
                + "| ops/s min–max etcd; kvnode | kvnode/etcd of each pair | etcd p50 (ms) | kvnode p50 (ms) "
                + "| etcd p99 (ms) | kvnode p99 (ms) | p99 kvnode/etcd | errors etcd / kvnode |\n");
        out.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        // A cluster that did not start fails every run of its rows with the same reason: each reason once.
        java.util.Set<String> notes = new java.util.LinkedHashSet<>();
        for (Map.Entry<RowKey, Side[]> row : rows.entrySet()) {
            RowKey key = row.getKey();
            Side etcd = row.getValue()[ServerProcess.Kind.ETCD.ordinal()];
            Side kvnode = row.getValue()[ServerProcess.Kind.KVNODE.ordinal()];
            List<Measurement> e = etcd == null ? List.of() : etcd.measured();
            List<Measurement> k = kvnode == null ? List.of() : kvnode.measured();
            out.append(String.format(Locale.ROOT,
                    "| %d | %s | %d | %s | %s | %s | %s | %s; %s | %s | %s | %s | %s | %s | %s | %s / %s |%n",
                    key.members(), key.workload(), key.clients(), runs(etcd, kvnode),
                    median(e, "%,.0f", Measurement::opsPerSecond), median(k, "%,.0f", Measurement::opsPerSecond),
                    ratio(e, k, Measurement::opsPerSecond), spread(e), spread(k), pairRatios(etcd, kvnode),
                    median(e, "%.2f", Measurement::p50Ms), median(k, "%.2f", Measurement::p50Ms),
                    median(e, "%.2f", Measurement::p99Ms), median(k, "%.2f", Measurement::p99Ms),
                    ratio(e, k, Measurement::p99Ms), errors(etcd), errors(kvnode)));
            for (ServerProcess.Kind kind : ServerProcess.Kind.values()) {
                Side side = row.getValue()[kind.ordinal()];
                String where = key.members() + " member(s), " + key.workload() + ", " + key.clients() + " clients: ";
                if (side == null) {
                    notes.add(name(kind) + ", " + where + "not run");
                    continue;
                }
                side.failures.forEach(reason -> notes.add(name(kind) + ", " + where + "failed: " + reason));
                for (Measurement m : side.measured()) {
                    if (m.errors() > 0) {
                        notes.add(name(kind) + ", " + where + m.errors() + " errors, first: " + m.firstError());
                    }
                }
            }
        }
        if (!notes.isEmpty()) {
            out.append('\n');
            notes.forEach(note -> out.append("- ").append(note).append('\n'));
        }
        return out.toString();
    }

    /** Runs per side, one number when both sides had the same. */
    private static String runs(Side etcd, Side kvnode) {
        int e = etcd == null ? 0 : etcd.runs.size();
        int k = kvnode == null ? 0 : kvnode.runs.size();
        return e == k ? Integer.toString(e) : e + " / " + k;
    }

    /** The median of a figure over the runs; the mean of the middle two when the count is even. */
    static double median(List<Measurement> runs, ToDoubleFunction<Measurement> figure) {
        double[] values = runs.stream().mapToDouble(figure).sorted().toArray();
        if (values.length == 0) {
            return Double.NaN;
        }
        int middle = values.length / 2;
        return values.length % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
    }

    private static String median(List<Measurement> runs, String format, ToDoubleFunction<Measurement> figure) {
        return runs.isEmpty() ? "failed" : String.format(Locale.ROOT, format, median(runs, figure));
    }

    /** kvnode / etcd of the medians; a dash when a side has no run or etcd's figure is zero. */
    static String ratio(List<Measurement> etcd, List<Measurement> kvnode, ToDoubleFunction<Measurement> figure) {
        if (etcd.isEmpty() || kvnode.isEmpty() || !(median(etcd, figure) > 0)) {
            return "—";
        }
        return String.format(Locale.ROOT, "%.2f", median(kvnode, figure) / median(etcd, figure));
    }

    private static String spread(List<Measurement> runs) {
        if (runs.isEmpty()) {
            return "—";
        }
        double min = runs.stream().mapToDouble(Measurement::opsPerSecond).min().orElseThrow();
        double max = runs.stream().mapToDouble(Measurement::opsPerSecond).max().orElseThrow();
        return String.format(Locale.ROOT, "%,.0f–%,.0f", min, max);
    }

    /** The lowest and highest kvnode / etcd ops/s over the i-th runs of both sides, where both succeeded. */
    private static String pairRatios(Side etcd, Side kvnode) {
        if (etcd == null || kvnode == null) {
            return "—";
        }
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < Math.min(etcd.runs.size(), kvnode.runs.size()); i++) {
            Measurement e = etcd.runs.get(i);
            Measurement k = kvnode.runs.get(i);
            if (e != null && k != null && e.opsPerSecond() > 0) {
                ratios.add(k.opsPerSecond() / e.opsPerSecond());
            }
        }
        if (ratios.isEmpty()) {
            return "—";
        }
        double min = ratios.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        double max = ratios.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        return String.format(Locale.ROOT, "%.2f–%.2f", min, max);
    }

    private static String errors(Side side) {
        return side == null || side.measured().isEmpty() ? "—"
                : Long.toString(side.measured().stream().mapToLong(Measurement::errors).sum());
    }

    static String name(ServerProcess.Kind kind) {
        return kind.name().toLowerCase(Locale.ROOT);
    }
}
