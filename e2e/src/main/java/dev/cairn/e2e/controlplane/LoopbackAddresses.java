package dev.cairn.e2e.controlplane;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Gives each pod its own loopback address, {@code <subnet>.1} to {@code <subnet>.254}, so that every pod listens on
 * the ports its spec names (2379, 2380, ...) as it would in its own network namespace. On Linux all of 127.0.0.0/8
 * reaches the host without configuration. An address stays with its pod's name (namespace and name) for the life
 * of the control plane, as a sticky IP: the hosts file never has to take an address back from a name a JVM may have
 * cached. An address is handed out only when nothing else on the machine listens on it at the ports to be used.
 */
public final class LoopbackAddresses {

    private final String subnet;
    private final List<Integer> ports;
    private final Map<String, String> byPod = new HashMap<>();
    private int next = 1;

    public LoopbackAddresses(String subnet, List<Integer> ports) {
        this.subnet = subnet;
        this.ports = List.copyOf(ports);
    }

    /** The address of the pod {@code namespace/name}, the same on every call. */
    public synchronized String addressOf(String namespace, String name) {
        String key = namespace + "/" + name;
        String known = byPod.get(key);
        if (known != null) {
            return known;
        }
        while (next < 255) {
            String candidate = subnet + "." + next++;
            if (free(candidate)) {
                byPod.put(key, candidate);
                return candidate;
            }
        }
        throw new IllegalStateException("no free loopback address left in " + subnet + ".0/24 (cairn.cp.subnet)");
    }

    public synchronized Optional<String> knownAddressOf(String namespace, String name) {
        return Optional.ofNullable(byPod.get(namespace + "/" + name));
    }

    private boolean free(String address) {
        for (int port : ports) {
            try (ServerSocket socket = new ServerSocket()) {
                socket.bind(new InetSocketAddress(InetAddress.getByName(address), port));
            } catch (IOException inUse) {
                return false;
            }
        }
        return true;
    }
}
