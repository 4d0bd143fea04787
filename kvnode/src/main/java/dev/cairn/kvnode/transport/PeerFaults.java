package dev.cairn.kvnode.transport;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Faults injected into the peer network for tests: cut links drop every message from one member to another
 * (a partition when cut both ways), corrupted links flip a bit of every snapshot on its way. One instance is usually
 * shared by all members of a test cluster; each transport checks it both when it sends and when it receives, so a
 * fault holds even when only one side was given it. Cut links drop silently and leave the streams open (peers stay
 * active), as a network that loses packets would until keep-alive gave up. Production transports have none.
 */
public final class PeerFaults {
    private final Set<Link> cut = ConcurrentHashMap.newKeySet();
    private final Set<Link> corrupted = ConcurrentHashMap.newKeySet();

    private record Link(long from, long to) {
    }

    /** Drops every message from {@code from} to {@code to} until healed; the other direction still works. */
    public void cut(long from, long to) {
        cut.add(new Link(from, to));
    }

    /** Drops every message between {@code a} and {@code b}, both ways. */
    public void partition(long a, long b) {
        cut(a, b);
        cut(b, a);
    }

    /** Restores both directions between {@code a} and {@code b}. */
    public void heal(long a, long b) {
        cut.remove(new Link(a, b));
        cut.remove(new Link(b, a));
    }

    /** Restores every link and stops corrupting snapshots. */
    public void healAll() {
        cut.clear();
        corrupted.clear();
    }

    /** Flips one bit in every snapshot sent from {@code from} to {@code to}, after its checksum was computed. */
    public void corruptSnapshots(long from, long to) {
        corrupted.add(new Link(from, to));
    }

    public boolean drops(long from, long to) {
        return !cut.isEmpty() && cut.contains(new Link(from, to));
    }

    boolean corrupts(long from, long to) {
        return !corrupted.isEmpty() && corrupted.contains(new Link(from, to));
    }
}
