package dev.cairn.kvnode.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cairn.kvnode.raft.pb.Entry;
import dev.cairn.kvnode.raft.pb.Message;
import dev.cairn.kvnode.raft.pb.MessageType;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Members exchanging messages over real gRPC streams on loopback: order, reconnects, back-pressure, shutdown. */
class PeerTransportTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private final List<TestMember> members = new ArrayList<>();

    @AfterEach
    void closeMembers() {
        members.forEach(TestMember::close);
    }

    private TestMember member(long id) throws Exception {
        TestMember member = TestMember.start(id, dir);
        members.add(member);
        return member;
    }

    static Message app(long from, long to, long index, int payloadBytes) {
        return Message.builder(MessageType.APP).from(from).to(to).term(1).index(index)
                .entries(List.of(new Entry(1, index, dev.cairn.kvnode.raft.pb.EntryType.NORMAL,
                        new byte[payloadBytes])))
                .build();
    }

    static List<Long> indexes(List<Message> messages) {
        return messages.stream().map(Message::index).toList();
    }

    static List<Long> range(long first, long last) {
        List<Long> numbers = new ArrayList<>();
        for (long n = first; n <= last; n++) {
            numbers.add(n);
        }
        return numbers;
    }

    @Test
    void threeMembersExchangeMessagesInOrderPerPair() throws Exception {
        TestMember a = member(1);
        TestMember b = member(2);
        TestMember c = member(3);
        TestMember[] all = {a, b, c};
        TestMember.connectAll(all);
        await().atMost(WAIT).until(() -> a.transport.isActive(2) && a.transport.isActive(3)
                && b.transport.isActive(1) && b.transport.isActive(3) && c.transport.isActive(1)
                && c.transport.isActive(2));
        assertThat(a.transport.activeSince(2)).isPresent();

        int count = 3000;
        // Each member sends as its node loop would: one thread, one Ready (a list of messages) at a time,
        // interleaving both peers, with payloads big enough that several writes are coalesced and several split.
        List<Thread> loops = new ArrayList<>();
        for (TestMember from : all) {
            Thread loop = new Thread(() -> {
                for (long index = 1; index <= count; index += 10) {
                    List<Message> ready = new ArrayList<>();
                    for (long i = index; i < index + 10; i++) {
                        for (TestMember to : all) {
                            if (to != from) {
                                ready.add(app(from.id, to.id, i, (int) (i % 7) * 300));
                            }
                        }
                    }
                    from.transport.send(ready);
                }
            });
            loop.start();
            loops.add(loop);
        }
        for (Thread loop : loops) {
            loop.join();
        }
        for (TestMember to : all) {
            for (TestMember from : all) {
                if (from != to) {
                    await().atMost(WAIT).until(() -> to.inbound.receivedFrom(from.id).size() >= count);
                    assertThat(indexes(to.inbound.receivedFrom(from.id))).as("%d -> %d", from.id, to.id)
                            .isEqualTo(range(1, count));
                    assertThat(to.inbound.receivedFrom(from.id)).allMatch(m -> m.to() == to.id);
                    // Every byte written to the stream was read from it, and nothing else was counted.
                    double sent = from.counter("etcd.network.peer.sent.bytes", "To", to.id);
                    assertThat(sent).isPositive();
                    await().atMost(WAIT).until(() -> to.counter("etcd.network.peer.received.bytes", "From",
                            from.id) == sent);
                }
            }
        }
    }

    @Test
    void aPeerWhoseServerRestartsIsReconnectedAndMessagesFlowAgain() throws Exception {
        TestMember a = member(1);
        TestMember b = TestMember.start(2, dir);
        TestMember.connectAll(a, b);
        await().atMost(WAIT).until(() -> a.transport.isActive(2));
        a.transport.send(List.of(app(1, 2, 1, 10)));
        await().atMost(WAIT).until(() -> b.inbound.received().size() == 1);

        int port = b.port();
        b.close();
        await().atMost(WAIT).until(() -> !a.transport.isActive(2));
        await().atMost(WAIT).until(() -> a.inbound.unreachableReports(2) > 0);
        // The port is free again: nothing of the closed transport holds it.
        try (ServerSocket probe = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            assertThat(probe.getLocalPort()).isEqualTo(port);
        }

        TestMember restarted = TestMember.start(2, dir, port, config -> config);
        members.add(restarted);
        await().atMost(WAIT).until(() -> a.transport.isActive(2));
        a.transport.send(List.of(app(1, 2, 2, 10), app(1, 2, 3, 10)));
        await().atMost(WAIT).until(() -> restarted.inbound.received().size() == 2);
        assertThat(indexes(restarted.inbound.received())).containsExactly(2L, 3L);
    }

    @Test
    void aPeerThatMovedIsReachedOnItsUpdatedUrl() throws Exception {
        TestMember a = member(1);
        TestMember b = TestMember.start(2, dir);
        TestMember.connectAll(a, b);
        await().atMost(WAIT).until(() -> a.transport.isActive(2));
        b.close();
        TestMember moved = member(2);

        a.transport.updatePeer(2, List.of(moved.peerUrl()));
        a.transport.send(List.of(app(1, 2, 1, 10)));

        await().atMost(WAIT).until(() -> a.transport.isActive(2) && moved.inbound.received().size() == 1);
    }

    @Test
    void aPeerWithSeveralUrlsIsReachedThroughOneThatWorks() throws Exception {
        TestMember a = member(1);
        TestMember b = member(2);
        int nobodyListens;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            nobodyListens = free.getLocalPort();
        }
        a.transport.addPeer(2, List.of(TestMember.url(nobodyListens), b.peerUrl()));
        a.transport.send(List.of(app(1, 2, 1, 10)));
        await().atMost(WAIT).until(() -> a.transport.isActive(2) && b.inbound.received().size() == 1);
    }

    @Test
    void aSlowPeerFillsTheBoundedQueueAndOverflowIsDroppedAndReportedUnreachable() throws Exception {
        int capacity = 64;
        TestMember a = TestMember.start(1, dir, 0, config -> config.withQueueCapacity(capacity));
        members.add(a);
        TestMember b = member(2);
        TestMember.connectAll(a, b);
        await().atMost(WAIT).until(() -> a.transport.isActive(2));

        CountDownLatch slow = new CountDownLatch(1);
        b.inbound.onReceive(message -> {
            try {
                slow.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        // The receiver takes nothing; gRPC's windows fill, the stream stops being ready, and the queue must hold
        // the rest within its bound and drop beyond it rather than grow.
        long sent = 0;
        while (a.inbound.unreachableReports(2) == 0) {
            sent++;
            a.transport.send(List.of(app(1, 2, sent, 16 * 1024)));
            assertThat(a.transport.queued(2)).isLessThanOrEqualTo(capacity);
            assertThat(sent).as("messages sent without any being dropped").isLessThan(100_000);
        }
        assertThat(a.counter("etcd.network.peer.sent.failures", "To", 2)).isPositive();
        assertThat(a.transport.isActive(2)).as("a slow peer is not an unreachable one").isTrue();

        slow.countDown();
        await().atMost(WAIT).until(() -> a.transport.queued(2) == 0);
        long last = sent + 1;
        a.transport.send(List.of(app(1, 2, last, 10)));
        await().atMost(WAIT).until(() -> !b.inbound.received().isEmpty()
                && b.inbound.received().get(b.inbound.received().size() - 1).index() == last);
        List<Long> arrived = indexes(b.inbound.received());
        assertThat(arrived).isSorted().doesNotHaveDuplicates().hasSizeLessThan((int) last);
    }

    @Test
    void aPartitionDropsMessagesBothWaysUntilHealed() throws Exception {
        TestMember a = member(1);
        TestMember b = member(2);
        TestMember c = member(3);
        TestMember.connectAll(a, b, c);
        PeerFaults faults = new PeerFaults();
        for (TestMember member : List.of(a, b, c)) {
            member.transport.setFaults(faults);
        }

        faults.partition(1, 2);
        a.transport.send(List.of(app(1, 2, 1, 10), app(1, 3, 1, 10)));
        b.transport.send(List.of(app(2, 1, 1, 10)));
        await().atMost(WAIT).until(() -> c.inbound.receivedFrom(1).size() == 1);

        faults.heal(1, 2);
        a.transport.send(List.of(app(1, 2, 2, 10)));
        b.transport.send(List.of(app(2, 1, 2, 10)));
        // Each pair keeps its order, so had the first message got through it would have arrived before the second.
        await().atMost(WAIT).until(() -> b.inbound.receivedFrom(1).size() == 1
                && a.inbound.receivedFrom(2).size() == 1);
        assertThat(indexes(b.inbound.receivedFrom(1))).containsExactly(2L);
        assertThat(indexes(a.inbound.receivedFrom(2))).containsExactly(2L);
    }

    @Test
    void aOneWayCutDropsOnlyThatDirectionEvenWhenOnlyTheReceiverKnowsIt() throws Exception {
        TestMember a = member(1);
        TestMember b = member(2);
        TestMember.connectAll(a, b);
        PeerFaults faults = new PeerFaults();
        b.transport.setFaults(faults);

        faults.cut(1, 2);
        a.transport.send(List.of(app(1, 2, 1, 10)));
        b.transport.send(List.of(app(2, 1, 1, 10)));
        await().atMost(WAIT).until(() -> a.inbound.receivedFrom(2).size() == 1);

        faults.healAll();
        a.transport.send(List.of(app(1, 2, 2, 10)));
        await().atMost(WAIT).until(() -> b.inbound.receivedFrom(1).size() == 1);
        assertThat(indexes(b.inbound.receivedFrom(1))).containsExactly(2L);
    }

    @Test
    void closeReleasesThePortAndEndsEveryThreadItStarted() throws Exception {
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        TestMember a = TestMember.start(1, dir);
        TestMember b = TestMember.start(2, dir);
        TestMember.connectAll(a, b);
        await().atMost(WAIT).until(() -> a.transport.isActive(2) && b.transport.isActive(1));
        a.transport.send(List.of(app(1, 2, 1, 10)));
        await().atMost(WAIT).until(() -> b.inbound.received().size() == 1);
        int portA = a.port();
        int portB = b.port();

        a.close();
        b.close();

        for (int port : List.of(portA, portB)) {
            try (ServerSocket probe = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                assertThat(probe.getLocalPort()).isEqualTo(port);
            }
        }
        // gRPC's shared pools are daemon threads it keeps for the JVM's life; the transport's own must all be gone.
        await().atMost(WAIT).pollInSameThread().untilAsserted(() -> assertThat(Thread.getAllStackTraces().keySet()
                .stream()
                .filter(thread -> !before.contains(thread))
                .filter(thread -> thread.isAlive() && (!thread.isDaemon() || thread.getName().startsWith("peer-")))
                .map(Thread::getName)
                .collect(Collectors.toList())).isEmpty());
    }
}
