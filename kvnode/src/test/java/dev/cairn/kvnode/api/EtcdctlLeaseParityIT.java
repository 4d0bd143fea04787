package dev.cairn.kvnode.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.kvnode.embed.EmbeddedKvnode;
import dev.cairn.kvnode.embed.KvnodeConfig;
import dev.cairn.kvnode.testing.ExternalCommand;
import dev.cairn.kvnode.testing.ReferenceEtcd;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real etcdctl 3.4 runs one script of lease commands against a real etcd and against kvnode; what it prints must
 * be the same once what differs by construction is masked: lease ids (each server picks its own) and remaining TTLs
 * (they depend on how long the commands took).
 */
class EtcdctlLeaseParityIT {
    /** {@code L1}, {@code L2}: the ids of the first and second lease granted, in hex, as etcdctl takes them. */
    private static final List<List<String>> SCRIPT = List.of(
            List.of("lease", "grant", "30"),
            List.of("lease", "grant", "60"),
            List.of("put", "foo", "bar", "--lease", "L1"),
            List.of("put", "foo2", "baz", "--lease", "L1"),
            List.of("put", "other", "v", "--lease", "L2"),
            List.of("put", "other", "moved", "--lease", "L1"),
            List.of("get", "foo", "-w", "json"),
            List.of("lease", "list"),
            List.of("lease", "timetolive", "L1"),
            List.of("lease", "timetolive", "L1", "--keys"),
            List.of("lease", "timetolive", "L2", "--keys"),
            List.of("lease", "keep-alive", "--once", "L1"),
            List.of("lease", "timetolive", "4d2"),
            List.of("lease", "revoke", "L1"),
            List.of("get", "", "--prefix", "-w", "json"),
            List.of("lease", "revoke", "L1"),
            List.of("lease", "keep-alive", "--once", "L1"),
            List.of("put", "k", "v", "--lease", "4d2"),
            List.of("lease", "grant", "9000000001"),
            List.of("lease", "grant", "1"),
            List.of("lease", "revoke", "L3"),
            List.of("lease", "list"));

    private static final Pattern GRANTED = Pattern.compile("lease ([0-9a-f]+) granted with TTL");
    private static final Pattern ATTACHED_KEYS = Pattern.compile("attached keys\\(\\[([^]]+)]\\)");

    @TempDir
    Path dir;

    @Test
    void etcdctlPrintsTheSameForKvnodeLeasesAsForEtcds() throws Exception {
        List<String> fromEtcd;
        try (ReferenceEtcd etcd = ReferenceEtcd.start(dir.resolve("etcd"))) {
            fromEtcd = runScript(etcd.clientUrl());
        }
        List<String> fromKvnode;
        try (EmbeddedKvnode kvnode = EmbeddedKvnode.start(
                KvnodeConfig.singleMember("parity", dir.resolve("kvnode"), "127.0.0.1", 0, 0, -1))) {
            fromKvnode = runScript("http://127.0.0.1:" + kvnode.clientPort());
        }

        assertThat(fromKvnode).containsExactlyElementsOf(fromEtcd);
    }

    private static List<String> runScript(String endpoint) {
        String etcdctl = ExternalCommand.require("etcdctl");
        Map<String, String> leaseIds = new LinkedHashMap<>();
        List<String> transcript = new ArrayList<>();
        for (List<String> step : SCRIPT) {
            List<String> command = new ArrayList<>(List.of(etcdctl, "--endpoints", endpoint));
            step.forEach(argument -> command.add(leaseIds.getOrDefault(argument, argument)));
            ExternalCommand.Result result = ExternalCommand.run(command, "");
            Matcher granted = GRANTED.matcher(result.stdout());
            if (granted.find()) {
                leaseIds.put("L" + (leaseIds.size() + 1), granted.group(1));
            }
            transcript.add("$ etcdctl " + String.join(" ", step) + "\nexit " + result.exitCode() + "\n"
                    + normalize(result.stdout() + stripTimestamps(result.stderr()), leaseIds));
        }
        return transcript;
    }

    /**
     * Each lease id, in hex and in decimal (as JSON output prints it), becomes its name in the script. Attached keys
     * are sorted: etcd lists them in Go's map order, which changes from run to run (kvnode lists them sorted).
     */
    private static String normalize(String output, Map<String, String> leaseIds) {
        Matcher keys = ATTACHED_KEYS.matcher(output);
        String sorted = keys.find() ? keys.replaceFirst("attached keys([" + String.join(" ",
                new java.util.TreeSet<>(List.of(keys.group(1).split(" ")))) + "])") : output;
        String masked = EtcdctlParityIT.normalize(sorted).replaceAll("remaining\\(\\d+s\\)", "remaining(Ns)")
                .replaceAll("\"revision\":\\d+,\"raft_term\"", "\"revision\":R,\"raft_term\"");
        for (Map.Entry<String, String> id : leaseIds.entrySet()) {
            masked = masked.replace(id.getValue(), id.getKey())
                    .replace(Long.toString(Long.parseUnsignedLong(id.getValue(), 16)), id.getKey());
        }
        return masked;
    }

    private static String stripTimestamps(String stderr) {
        return stderr.replaceAll("(?m)^\\{\"level\".*$", "").replaceAll("(?m)^\\d{4}-\\d\\d-\\d\\d[ T][^ ]+ ", "");
    }
}
