package dev.cairn.kvnode.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.kvnode.embed.EmbeddedKvnode;
import dev.cairn.kvnode.embed.KvnodeConfig;
import dev.cairn.kvnode.testing.FreePorts;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kvnode snapshot save} and {@code status} as an operator runs them, against a member on real sockets. */
class SnapshotCommandIT {
    @TempDir
    Path dir;

    @Test
    void savesAVerifiedBackupThatStatusDescribes() throws Exception {
        try (EmbeddedKvnode node = EmbeddedKvnode.start(KvnodeConfig.singleMember("cli", dir.resolve("kvnode"),
                "127.0.0.1", 0, 0, -1));
                Client client = Client.builder().endpoints("http://127.0.0.1:" + node.clientPort()).build()) {
            for (int i = 0; i < 50; i++) {
                client.getKVClient().put(bytes("k" + i), bytes("v" + i)).get();
            }
            Path backup = dir.resolve("backup.db");

            Run save = run("snapshot", "save", backup.toString(), "--endpoints", "127.0.0.1:" + node.clientPort());
            Run status = run("snapshot", "status", backup.toString(), "-w", "json");

            assertThat(save.exit()).as(save.err()).isZero();
            assertThat(save.out()).isEqualTo("Snapshot saved at " + backup + "\n");
            assertThat(dir.resolve("backup.db.part")).doesNotExist();
            assertThat(status.exit()).as(status.err()).isZero();
            assertThat(status.out()).contains("\"revision\":51,").contains("\"totalSize\":" + Files.size(backup));
        }
    }

    @Test
    void saveReportsTheFileAsOneJsonLineAndRestoreSkipsADirectoryThatHoldsAMember() throws Exception {
        Path backup = dir.resolve("backup.db");
        try (EmbeddedKvnode node = EmbeddedKvnode.start(KvnodeConfig.singleMember("cli", dir.resolve("kvnode"),
                "127.0.0.1", 0, 0, -1));
                Client client = Client.builder().endpoints("http://127.0.0.1:" + node.clientPort()).build()) {
            client.getKVClient().put(bytes("k"), bytes("v")).get();

            Run save = run("snapshot", "save", backup.toString(), "--endpoints", "127.0.0.1:" + node.clientPort(),
                    "-w", "json");

            assertThat(save.exit()).as(save.err()).isZero();
            byte[] file = Files.readAllBytes(backup);
            String sha256 = java.util.HexFormat.of().formatHex(file, file.length - 32, file.length);
            assertThat(save.out()).startsWith("{\"location\":\"" + backup + "\",\"size\":" + file.length
                    + ",\"revision\":2,").endsWith(",\"sha256\":\"" + sha256 + "\"}\n");
        }
        Path data = dir.resolve("restored");
        String[] restore = {"snapshot", "restore", backup.toString(), "--name", "a", "--data-dir", data.toString(),
                "--initial-cluster", "a=http://127.0.0.1:2380", "--initial-advertise-peer-urls",
                "http://127.0.0.1:2380", "--skip-if-member-exists"};

        Run first = run(restore);
        Run again = run(restore);

        assertThat(first.exit()).as(first.err()).isZero();
        assertThat(first.out()).startsWith("Restored revision 2 into " + data);
        assertThat(dir.resolve("restored.restoring")).doesNotExist();
        assertThat(again.exit()).as(again.err()).isZero();
        assertThat(again.out()).isEqualTo(data + " already holds a member: nothing restored\n");
    }

    @Test
    void statusRefusesADamagedBackupWithANonZeroExit() throws Exception {
        Path backup = dir.resolve("backup.db");
        try (EmbeddedKvnode node = EmbeddedKvnode.start(KvnodeConfig.singleMember("cli", dir.resolve("kvnode"),
                "127.0.0.1", 0, 0, -1))) {
            assertThat(run("snapshot", "save", backup.toString(), "--endpoints",
                    "http://127.0.0.1:" + node.clientPort()).exit()).isZero();
        }
        byte[] bytes = Files.readAllBytes(backup);
        bytes[bytes.length / 3] ^= 0x40;
        Files.write(backup, bytes);

        Run status = run("snapshot", "status", backup.toString());

        assertThat(status.exit()).isEqualTo(1);
        assertThat(status.err()).startsWith("kvnode: snapshot file " + backup + " is unusable: its SHA-256 is ");
    }

    @Test
    void saveFromAnEndpointNobodyServesFailsAndLeavesNoFile() {
        Path backup = dir.resolve("backup.db");

        Run save = run("snapshot", "save", backup.toString(), "--endpoints", "127.0.0.1:" + FreePorts.next());

        assertThat(save.exit()).isEqualTo(1);
        assertThat(save.err()).startsWith("kvnode: snapshot from 127.0.0.1:").contains("UNAVAILABLE");
        assertThat(backup).doesNotExist();
        assertThat(dir.resolve("backup.db.part")).doesNotExist();
    }

    @Test
    void saveRefusesMoreThanOneEndpoint() {
        Run save = run("snapshot", "save", dir.resolve("b.db").toString(), "--endpoints", "a:1,b:2");

        assertThat(save.exit()).isEqualTo(1);
        assertThat(save.err()).contains("exactly one member");
    }

    private record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = KvnodeCommand.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
                .execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }
}
