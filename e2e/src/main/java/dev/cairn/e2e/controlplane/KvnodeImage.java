package dev.cairn.e2e.controlplane;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** What of the kvnode image a member run here as a process must match. */
public final class KvnodeImage {
    /**
     * The JVM options the kvnode image sets (its {@code ENV JAVA_OPTS}, kvnode/Dockerfile), so that a member here, and
     * a benchmarked one, gets the collector and the heap a pod of the same memory limit gets, and exits on running out
     * of heap as a pod does.
     */
    public static final List<String> JAVA_OPTS = List.of("-XX:+UseParallelGC", "-XX:MaxRAMPercentage=60",
            "-XX:+ExitOnOutOfMemoryError");

    private static final Pattern COLLECTOR = Pattern.compile("-XX:\\+Use\\w+GC");

    private KvnodeImage() {
    }

    /**
     * The image's options followed by {@code more}. A collector that {@code more} chooses replaces the image's: a JVM
     * given two refuses to start ("Conflicting collector combinations").
     */
    public static List<String> javaOptsWith(List<String> more) {
        boolean collectorChosen = more.stream().anyMatch(option -> COLLECTOR.matcher(option).matches());
        List<String> options = new ArrayList<>();
        for (String option : JAVA_OPTS) {
            if (!(collectorChosen && COLLECTOR.matcher(option).matches())) {
                options.add(option);
            }
        }
        options.addAll(more);
        return options;
    }
}
