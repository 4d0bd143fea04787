package dev.cairn.e2e.bench;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One {@code kvnode bench ... -w json} run in its own JVM, its JSON reduced to a {@link ComparisonTable.Measurement}.
 * A fresh client JVM per run gives etcd and kvnode the same client: warmed only by the run's own --warmup, never by
 * the runs before it.
 */
final class BenchProcess {
    private BenchProcess() {
    }

    static ComparisonTable.Measurement run(Path kvnodeJar, List<String> benchArgs, Path log, long timeoutSeconds)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(ServerProcess.javaBinary(), "-jar", kvnodeJar.toString(),
                "bench"));
        command.addAll(benchArgs);
        command.addAll(List.of("-w", "json"));
        Files.writeString(log, "$ " + String.join(" ", command) + "\n", StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new IllegalStateException("kvnode bench did not finish within " + timeoutSeconds + " s");
        }
        Files.writeString(log, stdout + "\n", StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
        if (process.exitValue() != 0) {
            throw new IllegalStateException("kvnode bench exited with " + process.exitValue() + ": "
                    + lastLine(log));
        }
        return parse(stdout);
    }

    /** The figures of one JSON result; latencies are in milliseconds already. */
    static ComparisonTable.Measurement parse(String json) {
        JsonObject result = JsonParser.parseString(json).getAsJsonObject();
        JsonObject latency = result.getAsJsonObject("latencyMs");
        long errors = 0;
        String first = null;
        JsonObject messages = result.getAsJsonObject("errorMessages");
        for (Map.Entry<String, JsonElement> error : result.getAsJsonObject("errors").entrySet()) {
            errors += error.getValue().getAsLong();
            if (first == null) {
                JsonElement message = messages.get(error.getKey());
                first = error.getKey() + (message != null ? ": " + message.getAsString() : "");
            }
        }
        return new ComparisonTable.Measurement(result.get("opsPerSecond").getAsDouble(),
                latency.get("p50").getAsDouble(), latency.get("p99").getAsDouble(), errors, first);
    }

    private static String lastLine(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log);
        for (int i = lines.size() - 1; i >= 0; i--) {
            if (!lines.get(i).isBlank()) {
                return lines.get(i);
            }
        }
        return "(no output; see " + log + ")";
    }
}
