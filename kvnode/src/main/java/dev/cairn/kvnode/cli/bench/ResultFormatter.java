package dev.cairn.kvnode.cli.bench;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** A {@link BenchResult} as text for people ({@code -w simple}) or as one JSON object for scripts ({@code -w json}). */
final class ResultFormatter {
    private ResultFormatter() {
    }

    static String format(BenchResult result, BenchSettings.OutputFormat format) {
        return format == BenchSettings.OutputFormat.JSON ? json(result) : text(result);
    }

    static String text(BenchResult r) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%s: %d client(s) over %d connection(s) to %s%s%n", r.workload(),
                r.clients(), r.conns(), String.join(",", r.endpoints()), r.parameters().isEmpty() ? ""
                        : " (" + r.parameters().entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                                .collect(Collectors.joining(", ")) + ")"));
        out.append(String.format(Locale.ROOT, "  %-13s %d in %.3f s%n", "ok", r.ops(), r.seconds()));
        out.append(String.format(Locale.ROOT, "  %-13s %.1f%n", "ops/s", r.opsPerSecond()));
        LatencyStats l = r.latency();
        out.append(String.format(Locale.ROOT,
                "  %-13s min %.3f  mean %.3f  p50 %.3f  p90 %.3f  p99 %.3f  p99.9 %.3f  max %.3f%n", "latency (ms)",
                ms(l.min()), l.mean() / 1e6, ms(l.p50()), ms(l.p90()), ms(l.p99()), ms(l.p999()), ms(l.max())));
        for (Map.Entry<String, Object> e : r.extra().entrySet()) {
            out.append(String.format(Locale.ROOT, "  %-13s %s%n", e.getKey(), e.getValue() instanceof Double d
                    ? String.format(Locale.ROOT, "%.1f", d) : e.getValue()));
        }
        if (r.errors().isEmpty()) {
            out.append(String.format("  %-13s none%n", "errors"));
        } else {
            for (Map.Entry<String, Long> e : r.errors().entrySet()) {
                out.append(String.format(Locale.ROOT, "  %-13s %s %d (first: %s)%n", "errors", e.getKey(), e.getValue(),
                        r.errorMessages().get(e.getKey())));
            }
        }
        return out.toString();
    }

    static String json(BenchResult r) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("workload", r.workload());
        doc.put("endpoints", r.endpoints());
        doc.put("conns", r.conns());
        doc.put("clients", r.clients());
        doc.put("parameters", r.parameters());
        doc.put("ops", r.ops());
        doc.put("seconds", r.seconds());
        doc.put("opsPerSecond", r.opsPerSecond());
        LatencyStats l = r.latency();
        Map<String, Object> latency = new LinkedHashMap<>();
        latency.put("count", l.count());
        latency.put("min", ms(l.min()));
        latency.put("mean", l.mean() / 1e6);
        latency.put("p50", ms(l.p50()));
        latency.put("p90", ms(l.p90()));
        latency.put("p99", ms(l.p99()));
        latency.put("p99.9", ms(l.p999()));
        latency.put("max", ms(l.max()));
        doc.put("latencyMs", latency);
        doc.put("errors", r.errors());
        doc.put("errorMessages", r.errorMessages());
        doc.put("extra", r.extra());
        return Json.write(doc);
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
