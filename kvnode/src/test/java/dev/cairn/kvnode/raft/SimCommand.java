package dev.cairn.kvnode.raft;

import java.nio.charset.StandardCharsets;

/** A write of the simulated application: put {@code value} under {@code key}, tagged with the client operation. */
record SimCommand(long operation, String key, String value) {
    byte[] encode() {
        return (operation + "|" + key + "|" + value).getBytes(StandardCharsets.UTF_8);
    }

    static SimCommand decode(byte[] data) {
        String[] parts = new String(data, StandardCharsets.UTF_8).split("\\|", 3);
        return new SimCommand(Long.parseLong(parts[0]), parts[1], parts[2]);
    }
}
