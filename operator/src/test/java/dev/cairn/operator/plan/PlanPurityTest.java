package dev.cairn.operator.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The planner stays pure: no I/O, clock, Kubernetes, gRPC or members types in its sources. */
class PlanPurityTest {

    private static final List<String> FORBIDDEN = List.of(
            "import io.fabric8", "import io.grpc", "import io.javaoperatorsdk", "import java.io", "import java.nio",
            "import java.time", "import java.net", "import dev.cairn.operator.members", "System.currentTimeMillis",
            "System.nanoTime", "Random");

    @Test
    void planSourcesUseNoIoClockOrClusterTypes() throws IOException {
        Path dir = Path.of("src/main/java/dev/cairn/operator/plan");
        assertThat(dir).isDirectory();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.toList()) {
                String source = Files.readString(file);
                for (String forbidden : FORBIDDEN) {
                    assertThat(source).as("%s must not use %s", file.getFileName(), forbidden)
                            .doesNotContain(forbidden);
                }
            }
        }
    }
}
