package dev.cairn.e2e.controlplane;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Where the local control plane keeps its files, which loopback subnet its pods live in, which local builds stand in
 * for which images, and how quickly its kubelet reacts. Every setting has a system property ({@code cairn.cp.*}), so
 * the demo and the tests can change one without code.
 *
 * @param workDir          volumes, pod logs, the hosts file and the kubeconfig go here
 * @param subnet           the first three octets of the pods' loopback addresses, e.g. {@code 127.42.0}
 * @param kvnodeJar        the local build that every {@code cairn/kvnode} image runs
 * @param imageJars        tags that run another build: {@code cairn.cp.image.<tag>.jar=/path/to/kvnode.jar}
 * @param operatorJar      the operator's packaged Quarkus application ({@code quarkus-run.jar})
 * @param java             the java launcher for the operator and the pods
 * @param apiServerPort    the mock API server's port on 127.0.0.1, 0 for any free one
 * @param readinessPeriod  the longest time between two readiness probes of a container (a probe's own period if
 *                         shorter), so that tests see members become ready in seconds
 * @param restartBackoff   the first wait before a crashed container is started again; doubles up to ten times it
 * @param operatorRequeue  the operator's {@code cairn.operator.requeue-delay}: how soon it looks again mid-step
 * @param jvmOptions       options for every JVM the control plane starts (pods and operator), as a container
 *                         image's JAVA_OPTS would be: by default small JVMs that start quickly, many to a core
 */
public record ControlPlaneSettings(Path workDir, String subnet, Path kvnodeJar, Map<String, Path> imageJars,
                                   Path operatorJar, Path java, int apiServerPort, Duration readinessPeriod,
                                   Duration restartBackoff, Duration operatorRequeue, List<String> jvmOptions) {

    public ControlPlaneSettings {
        // Absolute: pods run in their own directories and read the hosts file by this path.
        workDir = workDir.toAbsolutePath().normalize();
        if (!subnet.matches("127\\.\\d{1,3}\\.\\d{1,3}")) {
            throw new IllegalArgumentException("cairn.cp.subnet must be three octets inside 127.0.0.0/8, e.g. "
                    + "127.42.0; was " + subnet);
        }
        imageJars = Map.copyOf(imageJars);
        jvmOptions = List.copyOf(jvmOptions);
    }

    /**
     * Defaults for a checkout at {@code root}, overridden by {@code cairn.cp.*} system properties. The subnet's
     * default is the caller's (the demo's, each test's own), so that control planes of different callers never
     * share addresses unless told to.
     */
    public static ControlPlaneSettings fromSystemProperties(Path root, Path workDir, String defaultSubnet) {
        Map<String, Path> imageJars = new java.util.HashMap<>();
        for (String key : System.getProperties().stringPropertyNames()) {
            if (key.startsWith("cairn.cp.image.") && key.endsWith(".jar")) {
                String tag = key.substring("cairn.cp.image.".length(), key.length() - ".jar".length());
                imageJars.put(tag, Path.of(System.getProperty(key)));
            }
        }
        return new ControlPlaneSettings(
                workDir,
                System.getProperty("cairn.cp.subnet", defaultSubnet),
                Path.of(System.getProperty("kvnode.jar", root.resolve("kvnode/target/kvnode.jar").toString())),
                imageJars,
                Path.of(System.getProperty("operator.jar",
                        root.resolve("operator/target/quarkus-app/quarkus-run.jar").toString())),
                Path.of(System.getProperty("java.home"), "bin", "java"),
                Integer.getInteger("cairn.cp.api-server-port", 0),
                Duration.parse(System.getProperty("cairn.cp.readiness-period", "PT1S")),
                Duration.parse(System.getProperty("cairn.cp.restart-backoff", "PT0.5S")),
                Duration.parse(System.getProperty("cairn.cp.operator-requeue", "PT1S")),
                List.of(System.getProperty("cairn.cp.jvm-options", "-XX:+UseSerialGC -XX:TieredStopAtLevel=1")
                        .trim().split("\\s+")));
    }

    public Path hostsFile() {
        return workDir.resolve("hosts");
    }

    public Path kubeconfig() {
        return workDir.resolve("kubeconfig");
    }

    public Path logDir() {
        return workDir.resolve("logs");
    }

    public Path volumeDir() {
        return workDir.resolve("volumes");
    }
}
