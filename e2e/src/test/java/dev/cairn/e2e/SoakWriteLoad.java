package dev.cairn.e2e;

import com.google.protobuf.ByteString;
import dev.cairn.kvnode.proto.etcdserverpb.KVGrpc;
import dev.cairn.kvnode.proto.etcdserverpb.PutRequest;
import dev.cairn.kvnode.proto.etcdserverpb.PutResponse;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Concurrent writers, each putting fresh keys {@code <prefix><round>/<writer>/<seq>} one after another, each with a
 * value found nowhere else, until it has written its share or a put fails.
 *
 * <p>The puts go through a bare gRPC stub on a channel with retries switched off, never through jetcd's KV client:
 * a client that re-sent a put whose answer was lost would itself create the duplicate this load is meant to catch.
 * A put is <em>acknowledged</em> when its response arrived; a put that failed is <em>in doubt</em> — the server may or
 * may not have applied it — and its writer stops, so each writer leaves at most one write in doubt per round.
 */
final class SoakWriteLoad {
    /** A put the server answered: it must be there after any restart, created at exactly this revision. */
    record Ack(String key, String value, long revision) {
    }

    /** A put that got no answer: it may or may not be there; {@code beforeKill} says the failure was not ours. */
    record InDoubt(String key, String value, Status.Code code, String description, boolean beforeKill) {
    }

    private static final Duration PUT_DEADLINE = Duration.ofSeconds(10);

    private final Queue<Ack> acks = new ConcurrentLinkedQueue<>();
    private final AtomicInteger ackCount = new AtomicInteger();
    private final Queue<InDoubt> inDoubt = new ConcurrentLinkedQueue<>();
    /** Opens at the first acknowledged put, or when every writer has ended without one. */
    private final CountDownLatch firstAckOrAllEnded = new CountDownLatch(1);
    private final AtomicInteger running = new AtomicInteger();
    private final List<Thread> writers = new ArrayList<>();
    private volatile boolean killed;

    private SoakWriteLoad() {
    }

    /**
     * Starts {@code writers} threads writing under {@code prefix + round + "/"}; each stops after {@code maxPerWriter}
     * puts (0 for no limit: then the kill ends it), or at its first failed put.
     */
    static SoakWriteLoad start(ManagedChannel channel, String prefix, int round, int writers, int maxPerWriter,
            String valueTag) {
        SoakWriteLoad load = new SoakWriteLoad();
        for (int w = 0; w < writers; w++) {
            String keyPrefix = prefix + round + "/" + w + "/";
            Thread thread = new Thread(() -> load.write(channel, keyPrefix, maxPerWriter, valueTag),
                    "soak-writer-" + round + "-" + w);
            thread.setDaemon(true);
            load.writers.add(thread);
        }
        load.running.set(writers);
        load.writers.forEach(Thread::start);
        return load;
    }

    private void write(ManagedChannel channel, String keyPrefix, int maxPerWriter, String valueTag) {
        try {
            writeUntilDone(channel, keyPrefix, maxPerWriter, valueTag);
        } finally {
            if (running.decrementAndGet() == 0) {
                firstAckOrAllEnded.countDown();
            }
        }
    }

    private void writeUntilDone(ManagedChannel channel, String keyPrefix, int maxPerWriter, String valueTag) {
        KVGrpc.KVBlockingStub kv = KVGrpc.newBlockingStub(channel);
        for (int seq = 0; maxPerWriter == 0 || seq < maxPerWriter; seq++) {
            // Zero-padded so that the writer's keys sort in the order it wrote them, which makes reports readable.
            String key = keyPrefix + String.format("%06d", seq);
            String value = key + "@" + valueTag;
            try {
                PutResponse response = kv.withDeadlineAfter(PUT_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
                        .put(PutRequest.newBuilder().setKey(utf8(key)).setValue(utf8(value)).build());
                acks.add(new Ack(key, value, response.getHeader().getRevision()));
                ackCount.incrementAndGet();
                firstAckOrAllEnded.countDown();
            } catch (StatusRuntimeException e) {
                inDoubt.add(new InDoubt(key, value, e.getStatus().getCode(), e.getStatus().getDescription(),
                        !killed));
                return;
            }
        }
    }

    /**
     * Waits until some put was acknowledged; false if none was within {@code timeout}, or if every writer ended
     * without one (its put failed: see {@link #inDoubt()}).
     */
    boolean awaitFirstAck(Duration timeout) throws InterruptedException {
        firstAckOrAllEnded.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        return !acks.isEmpty();
    }

    /** Puts acknowledged so far. */
    int ackCount() {
        return ackCount.get();
    }

    /** Whether every writer has stopped (each at its limit or at its first failed put). */
    boolean allWritersEnded() {
        return running.get() == 0;
    }

    /** Call just before killing the server: failures seen from now on are the kill's doing. */
    void markKilled() {
        killed = true;
    }

    /** Waits for every writer to end on its own (it reached its limit or a put failed). */
    void awaitWriters() throws InterruptedException {
        for (Thread writer : writers) {
            writer.join(PUT_DEADLINE.multipliedBy(2).toMillis());
            if (writer.isAlive()) {
                throw new IllegalStateException(writer.getName() + " still running long after its put deadline");
            }
        }
    }

    List<Ack> acks() {
        return List.copyOf(acks);
    }

    List<InDoubt> inDoubt() {
        return List.copyOf(inDoubt);
    }

    static ByteString utf8(String s) {
        return ByteString.copyFrom(s, StandardCharsets.UTF_8);
    }
}
