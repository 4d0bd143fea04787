package dev.cairn.e2e.diff;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

/**
 * Free ports on 127.0.0.1. Ports handed out are remembered, so two members planned before either binds never get
 * the same one (the OS may return a port again as soon as the probing socket is closed).
 */
final class LoopbackPorts {
    private static final Set<Integer> HANDED_OUT = new HashSet<>();

    private LoopbackPorts() {
    }

    static synchronized int next() {
        while (true) {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                if (HANDED_OUT.add(socket.getLocalPort())) {
                    return socket.getLocalPort();
                }
            } catch (IOException e) {
                throw new UncheckedIOException("no free loopback port", e);
            }
        }
    }

    static String url() {
        return "http://127.0.0.1:" + next();
    }
}
