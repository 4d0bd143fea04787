package dev.cairn.kvnode.watch;

import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import dev.cairn.kvnode.mvcc.ApplyPosition;
import dev.cairn.kvnode.mvcc.KeyRange;
import dev.cairn.kvnode.mvcc.MvccStore;
import dev.cairn.kvnode.mvcc.StoreImage;
import dev.cairn.kvnode.mvcc.WriteTxn;
import dev.cairn.kvnode.proto.mvccpb.Event;
import dev.cairn.kvnode.proto.mvccpb.KeyValue;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * A real store on disk with a watchable store over it, written the way the apply thread writes (one transaction per
 * entry, on the calling thread), and a model of every event each revision produced, built from what the writes
 * returned — not from what watchers were sent.
 */
final class WatchFixture implements AutoCloseable {
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final WatchableStore watchable;
    /** Every event, in revision order, as the writes reported them. */
    final List<Event> history = new ArrayList<>();
    MvccStore store;
    private long index;

    WatchFixture(Path dir, WatchOptions options) {
        this.store = MvccStore.open(dir.resolve("kv.db"));
        this.watchable = WatchableStore.start(store, options, registry);
    }

    /** A change of one transaction: a put when the value is not null, a delete of the range otherwise. */
    record Change(String key, String end, String value) {
        static Change put(String key, String value) {
            return new Change(key, "", value);
        }

        static Change delete(String key) {
            return new Change(key, "", null);
        }

        static Change deleteRange(String key, String end) {
            return new Change(key, end, null);
        }
    }

    /** Applies the changes as one transaction; returns the store's revision after it. */
    long write(Change... changes) {
        return write(store, history, ++index, changes);
    }

    long put(String key, String value) {
        return write(Change.put(key, value));
    }

    long delete(String key) {
        return write(Change.delete(key));
    }

    static long write(MvccStore target, List<Event> model, long entryIndex, Change... changes) {
        List<Event> events = new ArrayList<>();
        long next = target.currentRevision() + 1;
        long revision;
        try (WriteTxn txn = target.beginWrite(new ApplyPosition(entryIndex, 1))) {
            for (Change change : changes) {
                if (change.value() == null) {
                    for (KeyValue gone : txn.deleteRange(KeyRange.of(bytes(change.key()), bytes(change.end())))) {
                        events.add(Event.newBuilder().setType(Event.EventType.DELETE).setKv(KeyValue.newBuilder()
                                .setKey(gone.getKey()).setModRevision(next)).build());
                    }
                } else {
                    KeyValue kv = txn.put(bytes(change.key()), bytes(change.value()), 0);
                    events.add(Event.newBuilder().setType(Event.EventType.PUT).setKv(kv).build());
                }
            }
            revision = txn.commit();
        }
        model.addAll(events);
        return revision;
    }

    void compact(long revision) throws Exception {
        store.compact(revision, new ApplyPosition(++index, 1)).get();
    }

    /** The events of {@link #history} a watch of {@code range} from {@code start} must see, NOPUT/NODELETE applied. */
    List<Event> expected(KeyRange range, long start, boolean noPut, boolean noDelete) {
        return history.stream()
                .filter(e -> e.getKv().getModRevision() >= start && range.contains(e.getKv().getKey()))
                .filter(e -> e.getType() == Event.EventType.PUT ? !noPut : !noDelete)
                .toList();
    }

    /** A copy of this store's state made through a snapshot image, as a follower would receive it. */
    static MvccStore restoredCopy(MvccStore source, Path file) throws IOException {
        ByteArrayOutputStream image = new ByteArrayOutputStream();
        source.captureImage().writeTo(image);
        java.nio.file.Files.createDirectories(file.getParent());
        StoreImage.restore(new ByteArrayInputStream(image.toByteArray()), file);
        return MvccStore.open(file);
    }

    long gauge(String name) {
        return (long) registry.get(name).gauge().value();
    }

    static void awaitUntil(String what, BooleanSupplier condition) {
        await(what).atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(5)).until(condition::getAsBoolean);
    }

    static ByteString bytes(String s) {
        return ByteString.copyFromUtf8(s);
    }

    @Override
    public void close() {
        watchable.close();
        store.close();
    }
}
