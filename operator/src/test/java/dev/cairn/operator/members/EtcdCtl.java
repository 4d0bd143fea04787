package dev.cairn.operator.members;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs etcdctl (v3 API) and captures what it printed, as an independent check of what the operator's client did. */
final class EtcdCtl {
    record Result(int exitCode, String output) {
    }

    private EtcdCtl() {
    }

    static Result run(String... args) {
        try {
            ProcessBuilder builder = new ProcessBuilder(List.of(args)).redirectErrorStream(true);
            builder.environment().put("ETCDCTL_API", "3");
            Process process = builder.start();
            process.getOutputStream().close();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return new Result(-1, output + "\n(etcdctl timed out)");
            }
            return new Result(process.exitValue(), output);
        } catch (IOException e) {
            throw new UncheckedIOException("could not run " + args[0], e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + args[0], e);
        }
    }
}
