package dev.cairn.e2e.controlplane;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Quantity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The one place where the local control plane departs from what a pod asks for: an image is not pulled, it is
 * mapped to a local build. {@code cairn/kvnode:<tag>} (under any registry) is the kvnode jar — the build of the
 * tag when {@code cairn.cp.image.<tag>.jar} names one, else {@code kvnode/target/kvnode.jar} — and its only
 * executable, {@code kvnode}, is {@code java -jar} of that jar. Everything else (command, arguments, environment,
 * probes) is the pod's own. The JVM is given what a container would give it: the memory limit as its RAM
 * ({@code -XX:MaxRAM}), the cluster DNS (the hosts file), and the image name, so {@code ps} tells versions apart.
 */
final class LocalImages {

    static final String KVNODE_REPOSITORY = "cairn/kvnode";
    static final String KVNODE_EXECUTABLE = "kvnode";

    private final ControlPlaneSettings settings;
    private final HostsFile hosts;

    LocalImages(ControlPlaneSettings settings, HostsFile hosts) {
        this.settings = settings;
        this.hosts = hosts;
    }

    /** The image's ENTRYPOINT, used when a container names no command. */
    Optional<List<String>> entrypoint(String image) {
        return isKvnode(image) ? Optional.of(List.of(KVNODE_EXECUTABLE)) : Optional.empty();
    }

    /**
     * The host command line that runs {@code executable} from {@code image}, or empty when the image is not one the
     * control plane can run or has no such executable.
     */
    Optional<List<String>> launcher(String image, String executable, Container container) {
        String name = Path.of(executable).getFileName().toString();
        if (!isKvnode(image) || !KVNODE_EXECUTABLE.equals(name)) {
            return Optional.empty();
        }
        Path jar = settings.imageJars().getOrDefault(tag(image), settings.kvnodeJar());
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("image " + image + " maps to " + jar + ", which does not exist: build "
                    + "kvnode first (./mvnw -B -q -pl kvnode install -DskipTests)");
        }
        List<String> command = new ArrayList<>();
        command.add(settings.java().toString());
        memoryLimit(container).ifPresent(bytes -> command.add("-XX:MaxRAM=" + bytes));
        command.addAll(KvnodeImage.JAVA_OPTS);
        command.addAll(settings.jvmOptions());
        command.addAll(hosts.jvmOptions());
        command.add("-Dcairn.image=" + image);
        command.add("-jar");
        command.add(jar.toString());
        return Optional.of(command);
    }

    static boolean isKvnode(String image) {
        String repository = repository(image);
        return repository.equals(KVNODE_REPOSITORY) || repository.endsWith("/" + KVNODE_REPOSITORY);
    }

    static String repository(String image) {
        String withoutDigest = image.contains("@") ? image.substring(0, image.indexOf('@')) : image;
        int colon = withoutDigest.lastIndexOf(':');
        return colon > withoutDigest.lastIndexOf('/') ? withoutDigest.substring(0, colon) : withoutDigest;
    }

    static String tag(String image) {
        String withoutDigest = image.contains("@") ? image.substring(0, image.indexOf('@')) : image;
        int colon = withoutDigest.lastIndexOf(':');
        return colon > withoutDigest.lastIndexOf('/') ? withoutDigest.substring(colon + 1) : "latest";
    }

    private static Optional<Long> memoryLimit(Container container) {
        if (container.getResources() == null || container.getResources().getLimits() == null) {
            return Optional.empty();
        }
        Quantity memory = container.getResources().getLimits().get("memory");
        return memory == null ? Optional.empty() : Optional.of(Quantity.getAmountInBytes(memory).longValue());
    }
}
