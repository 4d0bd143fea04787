package dev.cairn.operator.members;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the etcd binaries an integration test needs, and fails with the remedy when one is missing. */
final class ExternalBinary {
    private ExternalBinary() {
    }

    static String require(String name) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        throw new IllegalStateException(name + " is not on the PATH. Install Debian's etcd-server and etcd-client "
                + "(apt-get install -y etcd-server etcd-client; `make test` does it).");
    }
}
