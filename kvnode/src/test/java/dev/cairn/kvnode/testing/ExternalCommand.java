package dev.cairn.kvnode.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a reference binary (etcd, etcdctl) and collects what it printed. */
public final class ExternalCommand {
    private ExternalCommand() {
    }

    /** The binary's path; fails with a clear message when it is not installed (make test installs it). */
    public static String require(String binary) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            Path candidate = Path.of(dir, binary);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        throw new IllegalStateException(binary + " is not installed: run `make test` (it installs the Debian "
                + "packages etcd-server and etcd-client), or apt-get install them");
    }

    public record Result(int exitCode, String stdout, String stderr) {
    }

    private static byte[] readAll(java.io.InputStream stream) {
        try {
            return stream.readAllBytes();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public static Result run(List<String> command, String stdin) {
        try {
            Process process = new ProcessBuilder(command).start();
            process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
            process.getOutputStream().close();
            // Read both streams at once: a child blocked on a full stderr pipe would never finish stdout.
            var err = java.util.concurrent.CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()));
            byte[] out = process.getInputStream().readAllBytes();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("command did not finish: " + command);
            }
            return new Result(process.exitValue(), new String(out, StandardCharsets.UTF_8),
                    new String(err.join(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + command, e);
        }
    }
}
