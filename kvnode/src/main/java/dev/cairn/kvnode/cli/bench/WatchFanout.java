package dev.cairn.kvnode.cli.bench;

import com.google.protobuf.ByteString;
import dev.cairn.kvnode.proto.etcdserverpb.KVGrpc;
import dev.cairn.kvnode.proto.etcdserverpb.PutRequest;
import dev.cairn.kvnode.proto.etcdserverpb.PutResponse;
import dev.cairn.kvnode.proto.etcdserverpb.WatchGrpc;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The watch fan-out workload: {@code watchers} watches of one key prefix, spread over {@code streams} Watch streams,
 * and one writer putting keys under that prefix at {@code putRate} puts/s (open loop: the writer keeps its pace
 * whatever the watchers do, so a slow event path shows as latency, not as a lower put rate). Measures put-to-event
 * latency for every watcher's copy of every event, and events/s delivered to all watchers together. Every
 * acknowledged put must reach every watcher; what has not arrived when the events stop coming is an error.
 */
final class WatchFanout {
    /** Puts in flight at most: a server slower than the rate slows the writer instead of queuing without bound. */
    private static final int MAX_PUTS_IN_FLIGHT = 1024;
    /** How long the run waits for events after the last one came, once every put is answered. */
    private static final Duration EVENT_QUIET = Duration.ofSeconds(10);

    private final BenchSettings settings;
    private final int watchers;
    private final int streamCount;
    private final ByteString prefix;
    private final int putRate;

    WatchFanout(BenchSettings settings, int watchers, int streams, ByteString prefix, int putRate) {
        if (watchers < 1 || streams < 1 || putRate < 1) {
            throw new IllegalArgumentException("--watchers, --streams and --put-rate must be at least 1");
        }
        this.settings = settings;
        this.watchers = watchers;
        this.streamCount = Math.min(streams, watchers);
        this.prefix = prefix;
        this.putRate = putRate;
    }

    BenchResult run() throws InterruptedException {
        ErrorCounts errors = new ErrorCounts();
        try (Channels channels = new Channels(settings.endpoints(), settings.conns())) {
            List<WatchStream> streams = openWatches(channels, errors);
            try {
                List<KVGrpc.KVStub> kv = BenchCommand.perChannel(channels, KVGrpc::newStub);
                if (!settings.warmup().isZero()) {
                    Writer warm = new Writer(kv, new ErrorCounts());
                    warm.run(Budget.until(System.nanoTime() + settings.warmup().toNanos()));
                    awaitEvents(streams, warm.acked.get() * watchers, 0);
                }
                long before = totalEvents(streams);
                for (WatchStream stream : streams) {
                    stream.takeLatencies();
                }
                Writer writer = new Writer(kv, errors);
                writer.run(settings.budget());
                long expected = writer.acked.get() * watchers;
                long received = awaitEvents(streams, expected, before);
                long lastEvent = streams.stream().mapToLong(WatchStream::lastEvent).max().orElse(0);
                errors.add("MISSING_EVENT", "acknowledged puts whose event did not reach every watcher",
                        expected - received);
                List<LatencyLog> logs = new ArrayList<>();
                for (WatchStream stream : streams) {
                    logs.add(stream.takeLatencies());
                }
                long[] sorted = LatencyLog.mergeSorted(logs);
                long elapsed = Math.max(lastEvent, writer.lastAck) - writer.firstSend;
                Map<String, Object> parameters = new LinkedHashMap<>();
                parameters.put("watchers", watchers);
                parameters.put("streams", streamCount);
                parameters.put("prefix", prefix.toStringUtf8());
                parameters.put("putRate", putRate);
                Map<String, Object> extra = new LinkedHashMap<>();
                extra.put("puts", writer.acked.get());
                extra.put("puts/s", writer.acked.get() * 1e9 / Math.max(1, writer.lastAck - writer.firstSend));
                extra.put("events", (long) sorted.length);
                return new BenchResult("watch", settings.endpoints(), settings.conns(), settings.clients(), parameters,
                        sorted.length, elapsed, LatencyStats.of(sorted), errors.byCode(), errors.firstMessages(),
                        extra);
            } finally {
                streams.forEach(WatchStream::close);
            }
        }
    }

    /** Opens the streams and creates every watch; returns once the server confirmed each one. */
    private List<WatchStream> openWatches(Channels channels, ErrorCounts errors) throws InterruptedException {
        CountDownLatch created = new CountDownLatch(watchers);
        List<WatchStream> streams = new ArrayList<>(streamCount);
        for (int i = 0; i < streamCount; i++) {
            WatchStream stream = new WatchStream(errors, created);
            stream.open(WatchGrpc.newStub(channels.forClient(i)));
            streams.add(stream);
        }
        ByteString end = prefixEnd(prefix);
        for (int w = 0; w < watchers; w++) {
            streams.get(w % streamCount).watch(prefix, end);
        }
        boolean inTime = created.await(30, TimeUnit.SECONDS);
        long confirmed = streams.stream().mapToLong(WatchStream::confirmed).sum();
        if (errors.total() > 0) {
            streams.forEach(WatchStream::close);
            throw new IllegalStateException("watch streams failed after " + confirmed + " of " + watchers
                    + " watches were created: " + errors.byCode() + " " + errors.firstMessages());
        }
        if (!inTime) {
            streams.forEach(WatchStream::close);
            throw new IllegalStateException("only " + confirmed + " of " + watchers + " watches were created within 30 s");
        }
        return streams;
    }

    /** Waits until {@code expected} events arrived since {@code before}, or none came for EVENT_QUIET. */
    private static long awaitEvents(List<WatchStream> streams, long expected, long before)
            throws InterruptedException {
        long received = totalEvents(streams) - before;
        long lastProgress = System.nanoTime();
        while (received < expected && System.nanoTime() - lastProgress < EVENT_QUIET.toNanos()) {
            Thread.sleep(1);
            long now = totalEvents(streams) - before;
            if (now != received) {
                received = now;
                lastProgress = System.nanoTime();
            }
        }
        return received;
    }

    private static long totalEvents(List<WatchStream> streams) {
        return streams.stream().mapToLong(WatchStream::events).sum();
    }

    /** The range end that makes a range of every key starting with {@code prefix}, as etcd's clients compute it. */
    static ByteString prefixEnd(ByteString prefix) {
        byte[] end = prefix.toByteArray();
        for (int i = end.length - 1; i >= 0; i--) {
            if (end[i] != (byte) 0xff) {
                end[i]++;
                return ByteString.copyFrom(end, 0, i + 1);
            }
        }
        // Only 0xff bytes (or empty): every key from the prefix on, etcd's "\0" range end.
        return ByteString.copyFrom(new byte[] {0});
    }

    /** The open-loop writer: puts under the prefix at the rate, from the calling thread. */
    private final class Writer {
        private final List<KVGrpc.KVStub> kv;
        private final ErrorCounts errors;
        private final KeyGenerator keys = settings.keys();
        private final ByteString filler = BenchCommand.value(Math.max(Long.BYTES, settings.valSize()));
        private final Semaphore inFlight = new Semaphore(MAX_PUTS_IN_FLIGHT);
        final AtomicLong acked = new AtomicLong();
        long firstSend;
        volatile long lastAck;

        Writer(List<KVGrpc.KVStub> kv, ErrorCounts errors) {
            this.kv = kv;
            this.errors = errors;
        }

        void run(Budget budget) throws InterruptedException {
            long interval = TimeUnit.SECONDS.toNanos(1) / putRate;
            long next = System.nanoTime();
            firstSend = next;
            lastAck = next;
            for (long n = 0; budget.take(); n++) {
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                // A writer that fell behind does not burst to catch up: the rate reached is reported instead.
                next = Math.max(next, System.nanoTime()) + interval;
                inFlight.acquire();
                PutRequest put = PutRequest.newBuilder().setKey(prefix.concat(keys.next()))
                        .setValue(WatchStream.stamp(System.nanoTime(), filler, settings.valSize())).build();
                kv.get((int) (n % kv.size())).put(put, new StreamObserver<PutResponse>() {
                    @Override
                    public void onNext(PutResponse response) {
                        acked.incrementAndGet();
                        lastAck = System.nanoTime();
                    }

                    @Override
                    public void onError(Throwable failure) {
                        errors.add(failure);
                        inFlight.release();
                    }

                    @Override
                    public void onCompleted() {
                        inFlight.release();
                    }
                });
            }
            if (!inFlight.tryAcquire(MAX_PUTS_IN_FLIGHT, BenchCommand.STALL.toSeconds(), TimeUnit.SECONDS)) {
                throw new IllegalStateException("puts still unanswered " + BenchCommand.STALL.toSeconds()
                        + " s after the last was sent");
            }
        }
    }
}
