package dev.cairn.e2e.controlplane;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The cluster DNS of the local control plane: a hosts file that every JVM it starts reads instead of the system
 * resolver ({@code -Djdk.net.hosts.file}). The JDK reads the file again on each lookup, so a rewrite is seen at
 * once by JVMs that do not cache negative answers ({@code -Dsun.net.inetaddr.negative.ttl=0}). A name may have
 * several lines (a Service with several ready pods); the JDK returns all of them.
 */
public final class HostsFile {

    private final Path file;
    private final Map<String, Set<String>> fixed;
    private Map<String, Set<String>> current = Map.of();

    /** @param fixed names that always resolve, such as {@code localhost} and this machine's host name */
    public HostsFile(Path file, Map<String, Set<String>> fixed) {
        this.file = file;
        this.fixed = Map.copyOf(fixed);
        write(new TreeMap<>());
    }

    public Path path() {
        return file;
    }

    /** Replaces the cluster's names by {@code records} (name to addresses); writes only when something changed. */
    public synchronized void write(Map<String, Set<String>> records) {
        Map<String, Set<String>> all = new TreeMap<>();
        fixed.forEach((name, addresses) -> all.put(name, new TreeSet<>(addresses)));
        records.forEach((name, addresses) -> all.computeIfAbsent(name, n -> new TreeSet<>()).addAll(addresses));
        if (all.equals(current)) {
            return;
        }
        StringBuilder text = new StringBuilder("# written by the Cairn local control plane: cluster DNS for its JVMs\n");
        all.forEach((name, addresses) -> addresses.forEach(a -> text.append(a).append(' ').append(name).append('\n')));
        try {
            Files.createDirectories(file.getParent());
            // Readers must never see half a file: write beside it, then rename over it.
            Path temporary = file.resolveSibling(file.getFileName() + ".new");
            Files.writeString(temporary, text);
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the hosts file " + file, e);
        }
        current = all;
    }

    /** The JVM options that make a JVM resolve through this file. */
    public List<String> jvmOptions() {
        return List.of("-Djdk.net.hosts.file=" + file, "-Dsun.net.inetaddr.ttl=1", "-Dsun.net.inetaddr.negative.ttl=0");
    }
}
