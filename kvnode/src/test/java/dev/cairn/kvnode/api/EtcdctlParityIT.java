package dev.cairn.kvnode.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.kvnode.embed.EmbeddedKvnode;
import dev.cairn.kvnode.embed.KvnodeConfig;
import dev.cairn.kvnode.testing.ExternalCommand;
import dev.cairn.kvnode.testing.ReferenceEtcd;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real etcdctl 3.4 runs one script of commands against a real etcd and against kvnode; what it prints must be
 * the same, byte for byte, once the ids that differ by construction are masked.
 */
class EtcdctlParityIT {
    /** Each step: etcdctl arguments, then what to feed its standard input. */
    private static final List<List<String>> SCRIPT = List.of(
            List.of("put", "foo", "bar"),
            List.of("put", "foo2", "baz", "--prev-kv"),
            List.of("put", "foo2", "qux", "--prev-kv"),
            List.of("put", "zeta", "last"),
            List.of("get", "foo"),
            List.of("get", "foo", "--prefix"),
            List.of("get", "foo", "-w", "json"),
            List.of("get", "foo", "--prefix", "-w", "json"),
            List.of("get", "foo", "--prefix", "--limit", "1", "-w", "json"),
            List.of("get", "foo", "--prefix", "--keys-only"),
            List.of("get", "foo2", "--rev", "3"),
            List.of("get", "a", "z"),
            List.of("get", "foo", "--from-key"),
            List.of("get", "foo", "--prefix", "--sort-by", "MODIFY", "--order", "DESCEND"),
            List.of("get", "missing"),
            List.of("get", "foo", "--rev", "99"),
            List.of("put", "foo", "--ignore-value"),
            List.of("put", "nothere", "--ignore-value"),
            List.of("put", "withlease", "v", "--lease", "1234"),
            List.of("txn", "-w", "json"),
            List.of("del", "foo"),
            List.of("del", "foo"),
            List.of("del", "foo", "--prefix", "--prev-kv"),
            List.of("get", "", "--prefix", "-w", "json"),
            List.of("compaction", "3"),
            List.of("get", "foo2", "--rev", "2"),
            List.of("get", "foo2", "--rev", "3", "-w", "json"),
            List.of("compaction", "3"),
            List.of("compaction", "99"),
            List.of("compaction", "--physical", "5"),
            List.of("get", "", "--prefix", "--rev", "5", "-w", "json"));

    private static final String TXN_INPUT = "value(\"zeta\") = \"last\"\n\nput zeta next\nget zeta\n\nput zeta never\n\n";

    @TempDir
    Path dir;

    @Test
    void etcdctlPrintsTheSameForKvnodeAsForEtcd() throws Exception {
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
        List<String> transcript = new ArrayList<>();
        for (List<String> step : SCRIPT) {
            List<String> command = new ArrayList<>(List.of(etcdctl, "--endpoints", endpoint));
            command.addAll(step);
            ExternalCommand.Result result = ExternalCommand.run(command, step.get(0).equals("txn") ? TXN_INPUT : "");
            transcript.add("$ etcdctl " + String.join(" ", step) + "\nexit " + result.exitCode() + "\n"
                    + normalize(result.stdout()) + normalize(stripTimestamps(result.stderr())));
        }
        return transcript;
    }

    /**
     * Masks what differs by construction: the cluster and member ids, which hash the peer URLs (the two servers
     * listen on different ports).
     */
    static String normalize(String output) {
        return output.replaceAll("\"cluster_id\":\\d+", "\"cluster_id\":ID")
                .replaceAll("\"member_id\":\\d+", "\"member_id\":ID");
    }

    /** etcdctl's client logs warnings with a timestamp in front; the message after it is what must match. */
    static String stripTimestamps(String stderr) {
        return stderr.replaceAll("(?m)^\\{\"level\".*$", "").replaceAll("(?m)^\\d{4}-\\d\\d-\\d\\d[ T][^ ]+ ", "");
    }
}
