package dev.cairn.e2e.controlplane;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Stops a process as the kubelet stops a container: SIGTERM, and SIGKILL once the grace period is over. */
final class ProcessStopper {

    private ProcessStopper() {
    }

    /** @return the exit code */
    static int stop(Process process, Duration grace) {
        process.destroy();
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor();
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
