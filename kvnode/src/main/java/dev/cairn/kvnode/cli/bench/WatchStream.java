package dev.cairn.kvnode.cli.bench;

import com.google.protobuf.ByteString;
import dev.cairn.kvnode.proto.etcdserverpb.WatchCreateRequest;
import dev.cairn.kvnode.proto.etcdserverpb.WatchGrpc;
import dev.cairn.kvnode.proto.etcdserverpb.WatchRequest;
import dev.cairn.kvnode.proto.etcdserverpb.WatchResponse;
import dev.cairn.kvnode.proto.mvccpb.Event;
import io.grpc.stub.StreamObserver;
import java.nio.ByteBuffer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One Watch stream carrying several watches of the same prefix; it measures, for every event it receives, the time
 * since the put was sent, which the writer put in the value's first 8 bytes ({@link #stamp}): no shared table of
 * send times is needed, and each watcher's copy of an event is measured on its own. Events of one stream arrive one
 * callback at a time; the latency log is guarded anyway, because the run reads it while a late event may arrive.
 */
final class WatchStream implements StreamObserver<WatchResponse> {
    private final ErrorCounts errors;
    private final CountDownLatch created;
    private final AtomicLong events = new AtomicLong();
    private final AtomicLong confirmed = new AtomicLong();
    private volatile long lastEvent;
    private StreamObserver<WatchRequest> requests;
    private LatencyLog latencies = new LatencyLog();

    WatchStream(ErrorCounts errors, CountDownLatch created) {
        this.errors = errors;
        this.created = created;
    }

    void open(WatchGrpc.WatchStub stub) {
        requests = stub.watch(this);
    }

    /** Asks for one more watch of keys in [prefix, prefixEnd), from now on (no history). */
    void watch(ByteString prefix, ByteString prefixEnd) {
        synchronized (this) {
            // A StreamObserver is not thread-safe; only this thread sends, but the guard costs nothing here.
            requests.onNext(WatchRequest.newBuilder().setCreateRequest(
                    WatchCreateRequest.newBuilder().setKey(prefix).setRangeEnd(prefixEnd)).build());
        }
    }

    void close() {
        synchronized (this) {
            requests.onCompleted();
        }
    }

    /** Watches the server confirmed as created. */
    long confirmed() {
        return confirmed.get();
    }

    /** System.nanoTime() of the last event received (0 before the first). */
    long lastEvent() {
        return lastEvent;
    }

    long events() {
        return events.get();
    }

    /** The latencies since the last call, and a fresh log: warm-up events are not measured. */
    synchronized LatencyLog takeLatencies() {
        LatencyLog taken = latencies;
        latencies = new LatencyLog();
        return taken;
    }

    @Override
    public void onNext(WatchResponse response) {
        long now = System.nanoTime();
        if (response.getCreated()) {
            confirmed.incrementAndGet();
            created.countDown();
        }
        if (response.getCanceled()) {
            errors.add("WATCH_CANCELED", "watch " + response.getWatchId() + " canceled: " + response.getCancelReason()
                    + (response.getCompactRevision() > 0 ? " (compacted at " + response.getCompactRevision() + ")" : ""));
            return;
        }
        int count = 0;
        synchronized (this) {
            for (Event event : response.getEventsList()) {
                if (event.getType() != Event.EventType.PUT || event.getKv().getValue().size() < Long.BYTES) {
                    errors.add("UNEXPECTED_EVENT", "a " + event.getType() + " event of key "
                            + event.getKv().getKey().toStringUtf8() + " that the writer did not send");
                    continue;
                }
                latencies.add(now - event.getKv().getValue().asReadOnlyByteBuffer().getLong());
                count++;
            }
        }
        if (count > 0) {
            lastEvent = now;
            events.addAndGet(count);
        }
    }

    @Override
    public void onError(Throwable failure) {
        errors.add(failure);
        // A stream that failed before its watches were created must not keep the run waiting for them.
        while (created.getCount() > 0) {
            created.countDown();
        }
    }

    @Override
    public void onCompleted() {
    }

    /** A value of {@code size} bytes (at least 8) that starts with the send time {@code nanos}. */
    static ByteString stamp(long nanos, ByteString filler, int size) {
        ByteBuffer value = ByteBuffer.allocate(Math.max(Long.BYTES, size));
        value.putLong(nanos);
        value.put(filler.substring(0, value.remaining()).asReadOnlyByteBuffer());
        return ByteString.copyFrom(value.array());
    }
}
