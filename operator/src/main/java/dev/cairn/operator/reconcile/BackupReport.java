package dev.cairn.operator.reconcile;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Optional;

/**
 * The JSON line {@code kvnode snapshot save --write-out=json} prints once the file is saved and verified. A pod's
 * log also holds kvnode's log records (standard error), so the report is the last line that parses as one.
 */
record BackupReport(long size, long revision, String sha256) {

    private static final ObjectMapper JSON = new ObjectMapper();

    static Optional<BackupReport> find(String log) {
        List<String> lines = log.lines().map(String::strip).filter(line -> line.startsWith("{")).toList();
        for (int i = lines.size() - 1; i >= 0; i--) {
            try {
                JsonNode node = JSON.readTree(lines.get(i));
                if (node.hasNonNull("size") && node.hasNonNull("revision") && node.hasNonNull("sha256")) {
                    return Optional.of(new BackupReport(node.get("size").asLong(), node.get("revision").asLong(),
                            node.get("sha256").asText()));
                }
            } catch (JsonProcessingException e) {
                // Not the report: a log record that happens to start with a brace.
            }
        }
        return Optional.empty();
    }

    /** The reason of a failed attempt: the log's last line (kvnode prints its error last), shortened. */
    static String lastLine(String log) {
        List<String> lines = log.lines().map(String::strip).filter(line -> !line.isEmpty()).toList();
        if (lines.isEmpty()) {
            return "";
        }
        String last = lines.get(lines.size() - 1);
        return last.length() > 300 ? last.substring(0, 300) + "..." : last;
    }
}
