package dev.cairn.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** kvnode run as a real process: it keeps every acknowledged write through kill -9, and stops cleanly on SIGTERM. */
class KvnodeProcessIT {
    @TempDir
    Path dir;

    @Test
    void everyAcknowledgedWriteSurvivesKillMinus9() throws Exception {
        long seed = Long.getLong("e2e.seed", System.nanoTime());
        Random random = new Random(seed);
        int[] ports = {freePort(), freePort(), freePort()};
        Map<String, String> acknowledged = new HashMap<>();
        long lastRevision = 0;

        for (int round = 0; round < 3; round++) {
            try (KvnodeProcess node = KvnodeProcess.start(dir.resolve("data"), ports[0], ports[1], ports[2]);
                    Client client = Client.builder().endpoints(node.clientUrl()).build()) {
                assertThat(readAll(client)).as("seed %d round %d: acknowledged writes after restart", seed, round)
                        .isEqualTo(acknowledged);
                int writes = 50 + random.nextInt(100);
                for (int i = 0; i < writes; i++) {
                    String key = "key-" + random.nextInt(200);
                    String value = "round-" + round + "-write-" + i;
                    lastRevision = client.getKVClient().put(bytes(key), bytes(value)).get().getHeader().getRevision();
                    acknowledged.put(key, value);
                }
                node.kill();
            }
        }

        try (KvnodeProcess node = KvnodeProcess.start(dir.resolve("data"), ports[0], ports[1], ports[2]);
                Client client = Client.builder().endpoints(node.clientUrl()).build()) {
            GetResponse all = client.getKVClient().get(bytes("key-"), GetOption.builder().isPrefix(true).build()).get();
            assertThat(readAll(client)).as("seed %d: final state", seed).isEqualTo(acknowledged);
            assertThat(all.getHeader().getRevision()).as("seed %d: no write lost or applied twice", seed)
                    .isEqualTo(lastRevision);
        }
    }

    @Test
    void sigtermStopsCleanlyWithExitCodeZero() throws Exception {
        KvnodeProcess node = KvnodeProcess.start(dir.resolve("data"), freePort(), freePort(), freePort());

        int exit = node.terminate();

        assertThat(exit).isZero();
        assertThat(node.log()).contains("stopped name=e2e");
    }

    private static Map<String, String> readAll(Client client) throws Exception {
        Map<String, String> found = new HashMap<>();
        client.getKVClient().get(bytes("key-"), GetOption.builder().isPrefix(true).build()).get().getKvs()
                .forEach(kv -> found.put(kv.getKey().toString(StandardCharsets.UTF_8),
                        kv.getValue().toString(StandardCharsets.UTF_8)));
        return found;
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
