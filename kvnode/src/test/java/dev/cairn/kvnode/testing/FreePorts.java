package dev.cairn.kvnode.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/** Loopback ports nobody is listening on, for servers that must be told their port up front. */
public final class FreePorts {
    private FreePorts() {
    }

    public static int next() {
        return next(InetAddress.getLoopbackAddress());
    }

    /** A port free on {@code host}, one of the loopback addresses. */
    public static int next(String host) {
        try {
            return next(InetAddress.getByName(host));
        } catch (IOException e) {
            throw new UncheckedIOException("not an address: " + host, e);
        }
    }

    /** A loopback address other than 127.0.0.1 (all of 127.0.0.0/8 reaches this machine on Linux). */
    public static String randomLoopbackHost() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return "127." + (100 + random.nextInt(100)) + "." + random.nextInt(256) + "." + (1 + random.nextInt(254));
    }

    private static int next(InetAddress address) {
        try (ServerSocket socket = new ServerSocket(0, 1, address)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on " + address, e);
        }
    }
}
