package dev.cairn.kvnode.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.kvnode.cli.KvnodeCommand;
import dev.cairn.kvnode.embed.EmbeddedKvnode;
import dev.cairn.kvnode.embed.KvnodeConfig;
import dev.cairn.kvnode.server.StorageOptions;
import dev.cairn.kvnode.testing.ExternalCommand;
import dev.cairn.kvnode.testing.ReferenceEtcd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * etcdctl 3.4's maintenance commands against a real etcd and against kvnode, etcd's NOSPACE runbook included: the
 * transcripts must be equal once what differs by construction is masked — ids, sizes, Raft indexes, the served
 * version, endpoints and paths, and the revisions after the fill (the two backends reach their quotas after
 * different numbers of puts). HashKV values are compared as they are: kvnode computes etcd's hash.
 */
class MaintenanceParityIT {
    /** etcd's bbolt file starts at 20 kB; kvnode's MapDB file at 2 MiB and grows by 1 MiB. */
    private static final long ETCD_QUOTA = 300_000;
    private static final long KVNODE_QUOTA = 3L * 1024 * 1024;
    private static final String VALUE = "x".repeat(20_000);

    @TempDir
    Path dir;

    @Test
    void etcdctlPrintsTheSameMaintenanceOutputForKvnodeAsForEtcd() throws Exception {
        List<String> fromEtcd;
        try (ReferenceEtcd etcd = ReferenceEtcd.start(dir.resolve("etcd"), List.of("--quota-backend-bytes",
                Long.toString(ETCD_QUOTA)))) {
            fromEtcd = runbook(etcd.clientUrl(), dir.resolve("etcd-backup"));
        }
        List<String> fromKvnode;
        try (EmbeddedKvnode kvnode = EmbeddedKvnode.start(KvnodeConfig.singleMember("parity", dir.resolve("kvnode"),
                "127.0.0.1", 0, 0, -1).withStorage(StorageOptions.DEFAULTS.withQuotaBackendBytes(KVNODE_QUOTA)))) {
            fromKvnode = runbook("http://127.0.0.1:" + kvnode.clientPort(), dir.resolve("kvnode-backup"));
        }

        assertThat(fromKvnode).containsExactlyElementsOf(fromEtcd);
    }

    @Test
    void kvnodeReadsTheBackupEtcdctlSavedFromKvnode() throws Exception {
        try (EmbeddedKvnode kvnode = EmbeddedKvnode.start(KvnodeConfig.singleMember("interop",
                dir.resolve("kvnode"), "127.0.0.1", 0, 0, -1))) {
            String endpoint = "http://127.0.0.1:" + kvnode.clientPort();
            etcdctl(endpoint, List.of("put", "k", "v"));
            Path saved = dir.resolve("saved.db");
            assertThat(etcdctl(endpoint, List.of("snapshot", "save", saved.toString())).exitCode()).isZero();

            java.io.StringWriter out = new java.io.StringWriter();
            int exit = KvnodeCommand.commandLine().setOut(new java.io.PrintWriter(out))
                    .execute("snapshot", "status", saved.toString(), "-w", "json");

            assertThat(exit).isZero();
            assertThat(out.toString()).contains("\"revision\":2,").contains("\"totalSize\":" + Files.size(saved));
        }
    }

    private List<String> runbook(String endpoint, Path backupDir) throws Exception {
        Files.createDirectories(backupDir);
        List<String> transcript = new ArrayList<>();
        Function<List<String>, String> step = args -> record(endpoint, backupDir, args);
        transcript.add(step.apply(List.of("put", "foo", "bar")));
        transcript.add(step.apply(List.of("put", "foo", "baz")));
        transcript.add(step.apply(List.of("endpoint", "hashkv", "-w", "json")));
        transcript.add(step.apply(List.of("endpoint", "hashkv")));
        transcript.add(step.apply(List.of("endpoint", "status", "-w", "json")));
        transcript.add(step.apply(List.of("alarm", "list")));
        transcript.add(step.apply(List.of("alarm", "disarm")));
        transcript.add(step.apply(List.of("move-leader", "1")));
        transcript.add(step.apply(List.of("compaction", "--physical", "2")));
        transcript.add(step.apply(List.of("endpoint", "hashkv", "-w", "json")));
        transcript.add(step.apply(List.of("defrag")));
        transcript.add(step.apply(List.of("endpoint", "hashkv", "-w", "json")));
        transcript.add(step.apply(List.of("snapshot", "save", backupDir.resolve("backup.db").toString())));
        assertThat(backupDir.resolve("backup.db")).as("etcdctl kept the download").isNotEmptyFile();

        int filled = fill(endpoint);
        assertThat(filled).as("puts stored before the quota refused one").isPositive();
        transcript.add(step.apply(List.of("alarm", "list")));
        transcript.add(step.apply(List.of("endpoint", "status", "-w", "json")));
        transcript.add(step.apply(List.of("put", "small", "v")));
        transcript.add(step.apply(List.of("get", "foo", "--print-value-only")));
        // Not in the transcript: it prints how many were deleted, and the two quotas admit different numbers.
        ExternalCommand.Result deleted = etcdctl(endpoint, List.of("del", "fill", "--prefix"));
        assertThat(deleted.exitCode()).as("deletes work under the alarm: " + deleted.stderr()).isZero();
        // etcd may have stored the put it refused: its apply-time quota check applies the put, then reports NOSPACE.
        assertThat(Integer.parseInt(deleted.stdout().trim())).isBetween(filled, filled + 1);
        String revision = etcdctl(endpoint, List.of("get", "foo", "-w", "json")).stdout()
                .replaceAll("(?s).*\"revision\":(\\d+).*", "$1");
        transcript.add(step.apply(List.of("compaction", "--physical", revision.trim())));
        transcript.add(step.apply(List.of("defrag")));
        transcript.add(step.apply(List.of("put", "small", "v")));
        transcript.add(step.apply(List.of("alarm", "disarm")));
        transcript.add(step.apply(List.of("alarm", "list")));
        transcript.add(step.apply(List.of("endpoint", "status", "-w", "json")));
        transcript.add(step.apply(List.of("put", "small", "v")));
        return transcript;
    }

    /** Puts 20 kB values until the quota refuses one, which must be with NOSPACE; returns how many were stored. */
    private static int fill(String endpoint) {
        for (int i = 0; i < 500; i++) {
            ExternalCommand.Result put = etcdctl(endpoint, List.of("put", "fill" + i, VALUE));
            if (put.exitCode() != 0) {
                assertThat(put.stderr()).contains("etcdserver: mvcc: database space exceeded");
                return i;
            }
        }
        throw new AssertionError("500 puts of 20 kB never reached the quota at " + endpoint);
    }

    private static String record(String endpoint, Path backupDir, List<String> args) {
        ExternalCommand.Result result = etcdctl(endpoint, args);
        String host = endpoint.replaceFirst("^http://", "");
        return mask("$ etcdctl " + String.join(" ", args) + "\nexit " + result.exitCode() + "\n" + result.stdout()
                + EtcdctlParityIT.stripTimestamps(result.stderr()), host, backupDir);
    }

    /** Masks what differs by construction between the two servers (see the class comment). */
    static String mask(String output, String host, Path backupDir) {
        return EtcdctlParityIT.normalize(output)
                .replace(backupDir.toString(), "BACKUP_DIR")
                .replace(host, "ENDPOINT")
                .replaceAll("\"(leader|dbSize|dbSizeInUse|raftIndex|raftAppliedIndex)\":\\d+", "\"$1\":N")
                .replaceAll("\"version\":\"[^\"]+\"", "\"version\":V")
                .replaceAll("memberID:\\d+", "memberID:ID")
                .replaceAll("compact(ed|ion) (--physical )?(revision )?\\d+", "compact$1 $2$3N")
                .replaceAll("\"revision\":\\d+", "\"revision\":N");
    }

    private static ExternalCommand.Result etcdctl(String endpoint, List<String> args) {
        List<String> command = new ArrayList<>(List.of(ExternalCommand.require("etcdctl"), "--endpoints", endpoint));
        command.addAll(args);
        return ExternalCommand.run(command, "");
    }
}
