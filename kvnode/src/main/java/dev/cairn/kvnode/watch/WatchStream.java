package dev.cairn.kvnode.watch;

import com.google.protobuf.ByteString;
import dev.cairn.kvnode.mvcc.KeyRange;
import dev.cairn.kvnode.proto.mvccpb.Event;
import dev.cairn.kvnode.proto.mvccpb.KeyValue;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;

/**
 * The watches of one client stream and the responses waiting for it, after etcd's watchStream: one queue in which
 * events, create and cancel answers and progress notifications keep the order they were produced in.
 *
 * <p>The queue is bounded for events: once it holds {@code capacity} event responses the client is not keeping up,
 * and the store makes the watchers that had more to say victims instead of queueing more (so a slow client never
 * makes the server buffer without bound). Answers to the client's own requests are always queued; the wire adapter
 * bounds those by reading requests only while the client takes responses.
 */
public final class WatchStream {
    /** etcd's error for a client-chosen id already in use on the stream. */
    public static final String DUPLICATE_ID = "mvcc: duplicate watch ID provided on the WatchStream";
    /** etcd's error for a range whose end is not after its key. */
    public static final String EMPTY_RANGE = "mvcc: watcher range is empty";
    /** etcd watches the smallest key when asked to watch the empty one. */
    private static final ByteString SMALLEST_KEY = ByteString.copyFrom(new byte[] {0});

    private final WatchableStore store;
    private final Runnable outputReady;
    private final int capacity;
    private final WatchMetrics metrics;
    private final ArrayDeque<Queued> queue = new ArrayDeque<>();
    private final Map<Long, Watcher> watchers = new LinkedHashMap<>();
    /** Watches given events since the last progress tick: their next periodic progress response is left out. */
    private final Set<Long> sentSinceTick = new HashSet<>();
    private int queuedEventResponses;
    /** An offer was refused since the client last took a response: taking one should wake the syncer. */
    private boolean refused;
    private long nextId;
    private boolean closed;
    private ScheduledFuture<?> progressTicks;
    /** A progress request waits for every watcher to be synced. Guarded by the store's lock, not this stream's. */
    boolean progressDeferred;

    private record Queued(WatchUpdate update, boolean prevKv, boolean counted) {
    }

    WatchStream(WatchableStore store, Runnable outputReady, int capacity, WatchMetrics metrics) {
        this.store = store;
        this.outputReady = outputReady;
        this.capacity = capacity;
        this.metrics = metrics;
    }

    /**
     * Creates a watch; its answer (created, or refused with etcd's reason) is queued ahead of any of its events. The
     * header revision of the answer is the current one, and a start revision of 0 means the one after it, as etcd
     * reads both at the same moment.
     */
    public void create(WatchSpec spec) {
        ByteString key = spec.key().isEmpty() ? SMALLEST_KEY : spec.key();
        KeyRange range = KeyRange.of(key, spec.rangeEnd());
        long current = store.currentRevision();
        Watcher watcher;
        synchronized (this) {
            if (closed) {
                return;
            }
            if (!range.isSingleKey() && !range.isOpenEnded()
                    && ByteString.unsignedLexicographicalComparator().compare(key, range.end()) >= 0) {
                queueControl(WatchUpdate.refused(current, EMPTY_RANGE));
                watcher = null;
            } else if (spec.watchId() != 0 && watchers.containsKey(spec.watchId())) {
                queueControl(WatchUpdate.refused(current, DUPLICATE_ID));
                watcher = null;
            } else {
                long id = spec.watchId();
                if (id == 0) {
                    while (watchers.containsKey(nextId)) {
                        nextId++;
                    }
                    id = nextId++;
                }
                watcher = new Watcher(id, this, range, spec);
                watchers.put(id, watcher);
                queueControl(WatchUpdate.created(id, current));
            }
        }
        // A refusal is output too: without this it would wait in the queue for the next event to be sent with it.
        outputReady.run();
        if (watcher != null) {
            store.add(watcher, spec.startRevision() > 0 ? spec.startRevision() : current + 1);
        }
    }

    /** Cancels a watch and answers canceled; an id the stream does not have gets no answer, as from etcd. */
    public void cancel(long watchId) {
        Watcher watcher;
        synchronized (this) {
            watcher = closed ? null : watchers.remove(watchId);
        }
        if (watcher == null) {
            return;
        }
        store.remove(watcher, () -> offerControl(WatchUpdate.canceled(watchId, store.currentRevision())));
    }

    /** Asks for a progress response for the whole stream (see {@link WatchableStore#requestProgress}). */
    public void requestProgress() {
        store.requestProgress(this);
    }

    /** The next response to send, with prev_kv filled in where the watch asked for it; null when none is waiting. */
    public WatchUpdate poll() {
        Queued next;
        boolean wake;
        synchronized (this) {
            next = queue.poll();
            if (next == null) {
                return null;
            }
            if (next.counted()) {
                queuedEventResponses--;
            }
            wake = refused;
            refused = false;
        }
        metrics.eventsTaken(next.update().events().size());
        if (wake) {
            store.roomFreed();
        }
        return next.prevKv() ? withPreviousValues(next.update()) : next.update();
    }

    public synchronized boolean hasOutput() {
        return !queue.isEmpty();
    }

    /** Responses waiting; the wire adapter reads the next request only while this is small. */
    public synchronized int backlog() {
        return queue.size();
    }

    /** Ends every watch of the stream and forgets what was waiting to be sent. */
    public void close() {
        List<Watcher> open;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            open = new ArrayList<>(watchers.values());
            watchers.clear();
            metrics.eventsTaken(queue.stream().mapToInt(q -> q.update().events().size()).sum());
            queue.clear();
        }
        if (progressTicks != null) {
            progressTicks.cancel(false);
        }
        open.forEach(store::remove);
        store.streamClosed();
    }

    // For the store, under its lock.

    /** Queues a watcher's events unless the stream already holds {@code capacity} event responses. */
    boolean offerEvents(Watcher watcher, long revision, List<Event> events) {
        synchronized (this) {
            if (closed) {
                return true; // nobody will read them; the stream's watchers are being removed
            }
            if (queuedEventResponses >= capacity) {
                refused = true;
                return false;
            }
            queue.add(new Queued(WatchUpdate.events(watcher.id, revision, events, watcher.fragment), watcher.prevKv,
                    true));
            queuedEventResponses++;
            sentSinceTick.add(watcher.id);
        }
        metrics.eventsQueued(events.size());
        outputReady.run();
        return true;
    }

    /** Queues the compaction cancel of a watcher, under the same bound as events; the watch ends once it is queued. */
    boolean offerCompacted(Watcher watcher, long compactRevision) {
        synchronized (this) {
            if (!closed) {
                if (queuedEventResponses >= capacity) {
                    refused = true;
                    return false;
                }
                queue.add(new Queued(WatchUpdate.compacted(watcher.id, compactRevision), false, true));
                queuedEventResponses++;
                watchers.remove(watcher.id);
            }
        }
        outputReady.run();
        return true;
    }

    /** A periodic progress response: left out when the stream is full, as etcd drops it (the next tick retries). */
    void offerProgress(WatchUpdate progress) {
        synchronized (this) {
            if (closed || queuedEventResponses >= capacity) {
                return;
            }
            queue.add(new Queued(progress, false, false));
        }
        outputReady.run();
    }

    void offerControl(WatchUpdate update) {
        synchronized (this) {
            if (closed) {
                return;
            }
            queueControl(update);
        }
        outputReady.run();
    }

    synchronized List<Watcher> watchers() {
        return new ArrayList<>(watchers.values());
    }

    void setProgressTicks(ScheduledFuture<?> ticks) {
        this.progressTicks = ticks;
    }

    /** etcd's progress ticker: each progress_notify watch given nothing since the last tick gets a progress reply. */
    void progressTick() {
        List<Watcher> due = new ArrayList<>();
        synchronized (this) {
            for (Watcher watcher : watchers.values()) {
                if (watcher.progressNotify && !sentSinceTick.contains(watcher.id)) {
                    due.add(watcher);
                }
            }
            sentSinceTick.clear();
        }
        due.forEach(store::progressTick);
    }

    private void queueControl(WatchUpdate update) {
        queue.add(new Queued(update, false, false));
    }

    private WatchUpdate withPreviousValues(WatchUpdate update) {
        List<Event> events = new ArrayList<>(update.events().size());
        for (Event event : update.events()) {
            KeyValue previous = store.previousValue(event);
            events.add(previous == null ? event : event.toBuilder().setPrevKv(previous).build());
        }
        return new WatchUpdate(update.watchId(), update.revision(), events, update.created(), update.canceled(),
                update.compactRevision(), update.cancelReason(), update.fragment());
    }
}
