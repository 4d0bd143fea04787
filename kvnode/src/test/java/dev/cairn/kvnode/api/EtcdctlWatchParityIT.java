package dev.cairn.kvnode.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cairn.kvnode.embed.EmbeddedKvnode;
import dev.cairn.kvnode.embed.KvnodeConfig;
import dev.cairn.kvnode.testing.ExternalCommand;
import dev.cairn.kvnode.testing.ReferenceEtcd;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code etcdctl watch} (3.4, ETCDCTL_API=3) against a real etcd and against kvnode after the same writes: what it
 * prints — events in the simple and the JSON format, prev_kv, ranges, prefixes, the compaction cancel — must be the
 * same once the ids that differ by construction are masked. A watch runs until it has printed the last write (the
 * value "end"), or until etcdctl exits by itself (a canceled watch).
 */
class EtcdctlWatchParityIT {
    /** Revisions 2..9 on both servers. */
    private static final List<List<String>> WRITES = List.of(
            List.of("put", "foo", "a"),
            List.of("put", "foo/x", "1"),
            List.of("put", "bar", "b"),
            List.of("put", "foo", "b"),
            List.of("del", "foo/x"),
            List.of("put", "foo/y", "2"),
            List.of("del", "foo"),
            List.of("put", "foo", "end"));

    private static final List<List<String>> WATCHES = List.of(
            List.of("watch", "foo", "--rev", "2"),
            List.of("watch", "foo", "--rev", "2", "--prefix"),
            List.of("watch", "foo", "--rev", "4", "--prefix", "--prev-kv"),
            List.of("watch", "foo", "foo/z", "--rev", "3"),
            List.of("watch", "foo", "--rev", "2", "--prefix", "--prev-kv", "-w", "json"),
            List.of("watch", "foo", "--rev", "1", "--prefix", "-w", "json"));

    /** After compacting at 5: below it the watch is canceled; at it (W-4), everything from 5 is delivered. */
    private static final List<List<String>> AFTER_COMPACTION = List.of(
            List.of("watch", "foo", "--rev", "3"),
            List.of("watch", "foo", "--rev", "5", "--prefix"),
            List.of("watch", "foo", "--rev", "5", "--prefix", "--prev-kv"));

    /** The last write's value ended by its newline, in the simple format or base64 inside a JSON line. */
    private static final Pattern LAST_WRITE_PRINTED = Pattern.compile("(\\bend|ZW5k[^\\n]*)\\n");

    @TempDir
    Path dir;

    @Test
    void etcdctlWatchPrintsTheSameForKvnodeAsForEtcd() throws Exception {
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

    private static List<String> runScript(String endpoint) throws Exception {
        List<String> transcript = new ArrayList<>();
        for (List<String> write : WRITES) {
            transcript.add(etcdctl(endpoint, write));
        }
        for (List<String> watch : WATCHES) {
            transcript.add(watch(endpoint, watch));
        }
        transcript.add(etcdctl(endpoint, List.of("compaction", "5")));
        for (List<String> watch : AFTER_COMPACTION) {
            transcript.add(watch(endpoint, watch));
        }
        return transcript;
    }

    private static String etcdctl(String endpoint, List<String> args) {
        List<String> command = new ArrayList<>(List.of(ExternalCommand.require("etcdctl"), "--endpoints", endpoint));
        command.addAll(args);
        ExternalCommand.Result result = ExternalCommand.run(command, "");
        return "$ etcdctl " + String.join(" ", args) + "\nexit " + result.exitCode() + "\n" + result.stdout()
                + result.stderr();
    }

    /** Runs a watch until it has printed the value "end" (base64 "ZW5k" in JSON) or has exited, then stops it. */
    private static String watch(String endpoint, List<String> args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(ExternalCommand.require("etcdctl"), "--endpoints", endpoint));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("ETCDCTL_API", "3");
        Process process = builder.start();
        StringBuffer out = new StringBuffer();
        CompletableFuture<Void> reading = CompletableFuture.runAsync(() -> copy(process.getInputStream(), out));
        StringBuffer err = new StringBuffer();
        CompletableFuture<Void> readingErr = CompletableFuture.runAsync(() -> copy(process.getErrorStream(), err));
        await("etcdctl " + args + " printed the last write or exited").atMost(Duration.ofSeconds(30))
                .until(() -> !process.isAlive() || LAST_WRITE_PRINTED.matcher(out).find());
        boolean exitedByItself = !process.isAlive();
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
        reading.join();
        readingErr.join();
        return "$ etcdctl " + String.join(" ", args) + "\n" + (exitedByItself ? "exit " + process.exitValue()
                : "stopped") + "\n" + EtcdctlParityIT.normalize(out.toString()) + err.toString()
                .replaceAll("(?m)^\\{\"level\".*$", "").replaceAll("(?m)^\\d{4}-\\d\\d-\\d\\d[ T][^ ]+ ", "");
    }

    private static void copy(InputStream stream, StringBuffer into) {
        try {
            byte[] buffer = new byte[8192];
            for (int n = stream.read(buffer); n >= 0; n = stream.read(buffer)) {
                into.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            into.append("<read failed: ").append(e.getMessage()).append('>');
        }
    }
}
