package dev.cairn.e2e.diff;

import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.awaitility.core.ConditionTimeoutException;

/** The real etcdctl (v3 API), run as a child process, with what it printed and how it ended. */
final class Etcdctl {
    /** Longer than etcdctl's own 5 s command timeout plus its dial timeout: etcdctl ends first, with its message. */
    private static final Duration COMMAND_BOUND = Duration.ofSeconds(30);

    private final String binary;

    private Etcdctl(String binary) {
        this.binary = binary;
    }

    /** Finds etcdctl on the PATH; fails with what to install when it is missing (`make test` installs it). */
    static Etcdctl onPath() {
        return new Etcdctl(requireBinary("etcdctl"));
    }

    static String requireBinary(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        throw new IllegalStateException(name + " is not installed: run `make test` (it installs Debian's etcd-server"
                + " and etcd-client 3.4), or apt-get install them");
    }

    /** One finished (or stopped) etcdctl run. {@code stopped} means the test ended it, so its exit code is ours. */
    record Result(int exitCode, String stdout, String stderr, boolean stopped) {
    }

    Result run(String endpoints, List<String> args, byte[] stdin) {
        return runUntil(endpoints, args, stdin, null, COMMAND_BOUND);
    }

    /**
     * Runs etcdctl; when {@code enough} is given (for commands that never end on their own, like watch), stops it
     * as soon as its standard output satisfies it, or once {@code bound} has passed, whichever comes first.
     */
    Result runUntil(String endpoints, List<String> args, byte[] stdin, Predicate<String> enough, Duration bound) {
        Running running = start(endpoints, args, stdin);
        return running.finish(enough, bound);
    }

    /** Starts etcdctl and returns at once: for a watch that must be in place while later steps write. */
    Running start(String endpoints, List<String> args, byte[] stdin) {
        List<String> command = new ArrayList<>(List.of(binary, "--endpoints", endpoints));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("ETCDCTL_API", "3");
        try {
            Process process = builder.start();
            Running running = new Running(process, command);
            // Fed on its own thread: a large stdin (a too-large value) must not block us while etcdctl writes.
            CompletableFuture.runAsync(() -> {
                try (var in = process.getOutputStream()) {
                    in.write(stdin);
                } catch (IOException e) {
                    // etcdctl may exit before reading all of it (e.g. an argument error); what it printed says why.
                }
            });
            return running;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command, e);
        }
    }

    /** An etcdctl process whose output is being collected while it runs. */
    static final class Running {
        private final Process process;
        private final List<String> command;
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private final ByteArrayOutputStream err = new ByteArrayOutputStream();
        private final CompletableFuture<Void> outDone;
        private final CompletableFuture<Void> errDone;

        private Running(Process process, List<String> command) {
            this.process = process;
            this.command = command;
            // Both streams drained at once: a child blocked on a full stderr pipe would never finish stdout.
            this.outDone = CompletableFuture.runAsync(() -> copy(process.getInputStream(), out));
            this.errDone = CompletableFuture.runAsync(() -> copy(process.getErrorStream(), err));
        }

        String stdoutSoFar() {
            synchronized (out) {
                return out.toString(StandardCharsets.UTF_8);
            }
        }

        Result finish(Predicate<String> enough, Duration bound) {
            boolean stopped = false;
            try {
                if (enough != null) {
                    awaitOutputOrExit(enough, bound);
                }
                // A command that hangs (a server that never answers) is stopped at the bound and reported as
                // stopped: the comparison shows it, instead of the whole run failing here.
                if (!process.waitFor(enough == null ? bound.toMillis() : 0, TimeUnit.MILLISECONDS)) {
                    process.destroy();
                    if (!process.waitFor(10, TimeUnit.SECONDS)) {
                        process.destroyForcibly().waitFor();
                    }
                    stopped = true;
                }
                outDone.join();
                errDone.join();
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted running " + command, e);
            }
            String stdout;
            String stderr;
            synchronized (out) {
                stdout = out.toString(StandardCharsets.UTF_8);
            }
            synchronized (err) {
                stderr = err.toString(StandardCharsets.UTF_8);
            }
            return new Result(stopped ? -1 : process.exitValue(), stdout, stderr, stopped);
        }

        private void awaitOutputOrExit(Predicate<String> enough, Duration bound) {
            try {
                await("etcdctl output: " + command).atMost(bound).pollInterval(Duration.ofMillis(50))
                        .until(() -> !process.isAlive() || enough.test(stdoutSoFar()));
            } catch (ConditionTimeoutException e) {
                // The bound passed: what was printed until now is the outcome, and the comparison judges it.
            }
        }

        private static void copy(InputStream from, ByteArrayOutputStream to) {
            byte[] buffer = new byte[8192];
            try {
                int n;
                while ((n = from.read(buffer)) >= 0) {
                    synchronized (to) {
                        to.write(buffer, 0, n);
                    }
                }
            } catch (IOException e) {
                // The process was stopped: its stream closes under us, and what was read is kept.
            }
        }
    }
}
