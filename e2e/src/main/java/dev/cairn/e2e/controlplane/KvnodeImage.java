package dev.cairn.e2e.controlplane;

import java.util.List;

/** What of the kvnode image a member run here as a process must match. */
public final class KvnodeImage {
    /**
     * The JVM options the kvnode image sets (its {@code ENV JAVA_OPTS}, kvnode/Dockerfile), so that a member here, and
     * a benchmarked one, gets the heap a pod of the same memory limit gets, and exits on running out of it as a pod
     * does.
     */
    public static final List<String> JAVA_OPTS = List.of("-XX:MaxRAMPercentage=60", "-XX:+ExitOnOutOfMemoryError");

    private KvnodeImage() {
    }
}
