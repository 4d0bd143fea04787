package dev.cairn.e2e.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoopbackAddressesTest {

    @TempDir
    Path dir;

    @Test
    void aPodKeepsItsAddressAndBusyAddressesAreSkipped() throws IOException {
        try (ServerSocket busy = new ServerSocket()) {
            busy.bind(new InetSocketAddress(InetAddress.getByName("127.44.0.1"), 0));
            LoopbackAddresses addresses = new LoopbackAddresses("127.44.0", List.of(busy.getLocalPort()));

            String first = addresses.addressOf("default", "example-0");
            assertThat(first).isEqualTo("127.44.0.2");
            assertThat(addresses.addressOf("default", "example-1")).isEqualTo("127.44.0.3");
            assertThat(addresses.addressOf("default", "example-0")).isEqualTo(first);
            assertThat(addresses.knownAddressOf("other", "example-0")).isEmpty();
        }
    }

    @Test
    void theHostsFileListsEveryAddressOfAName() throws IOException {
        HostsFile hosts = new HostsFile(dir.resolve("hosts"), Map.of("localhost", Set.of("127.0.0.1")));
        hosts.write(Map.of("example-client.default.svc", Set.of("127.44.0.2", "127.44.0.3")));

        assertThat(Files.readAllLines(dir.resolve("hosts"))).contains("127.0.0.1 localhost",
                "127.44.0.2 example-client.default.svc", "127.44.0.3 example-client.default.svc");
        assertThat(hosts.jvmOptions()).contains("-Djdk.net.hosts.file=" + dir.resolve("hosts"));
    }
}
