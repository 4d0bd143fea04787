package dev.cairn.kvnode.watch;

import dev.cairn.kvnode.mvcc.CommitListener;
import dev.cairn.kvnode.mvcc.CompactedRevisionException;
import dev.cairn.kvnode.mvcc.FutureRevisionException;
import dev.cairn.kvnode.mvcc.KeyRange;
import dev.cairn.kvnode.mvcc.MvccStore;
import dev.cairn.kvnode.proto.mvccpb.Event;
import dev.cairn.kvnode.proto.mvccpb.KeyValue;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MVCC store seen through its watchers, after etcd's watchableStore. Every watcher is in exactly one of three
 * places:
 * <ul>
 * <li><b>synced</b>: it has been given every event before the last published revision; each committed revision's
 * events are handed to it as the apply thread publishes them ({@link #committed});</li>
 * <li><b>unsynced</b>: it starts in the past (or its stream had to catch up); a background syncer reads history in
 * batches and moves it to synced once it has been given everything up to the last published revision;</li>
 * <li><b>victim</b>: its stream was full when it had events to give; it keeps those events, the syncer retries them
 * when the client takes responses, then it goes back to unsynced or synced.</li>
 * </ul>
 *
 * <p>Invariants, each relied on by clients (etcd's robustness scenarios W-1 to W-4): a watcher's events leave in
 * revision order, each exactly once, with a revision's events together; nothing is dropped — a stream that cannot
 * keep up makes its watchers victims, never loses their events; a watcher whose next revision has been compacted is
 * canceled with the compaction revision rather than given a gap; and a progress response at revision R is only sent
 * when every event at or below R has been queued before it.
 *
 * <p>How they hold: {@link #committed} runs under {@link #lock} on the apply thread after the revision became
 * visible, and moves {@link #publishedRevision} forward; a watcher joins synced only when its next revision is
 * above it, so the next publish cannot miss it, and the publish after that cannot repeat what history gave it.
 * History is read without the lock (the apply thread never waits for a disk read) and handed over under it. The
 * apply thread never blocks: handing events to a stream only appends to a bounded queue or refuses.
 */
public final class WatchableStore implements CommitListener, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger("watch");

    private final WatchOptions options;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    private final WatcherGroup synced = new WatcherGroup();
    private final WatcherGroup unsynced = new WatcherGroup();
    private final List<Watcher> victims = new ArrayList<>();
    /** Streams whose progress request waits: for a watcher to catch up, or for the store to reach a start revision. */
    private final Set<WatchStream> progressWaiting = new LinkedHashSet<>();
    private final Thread syncer;
    private final ScheduledExecutorService progressTicker;
    private final WatchMetrics metrics;
    private volatile MvccStore store;
    /** The last revision whose events synced watchers were given. */
    private long publishedRevision;
    /** Counts restores, so that a catch-up round that read the replaced store's history throws its reading away. */
    private long restores;
    private boolean wakeRequested;
    private boolean closed;

    private WatchableStore(MvccStore store, WatchOptions options, MeterRegistry registry) {
        this.store = store;
        this.options = options;
        this.publishedRevision = store.currentRevision();
        this.metrics = new WatchMetrics(registry, this);
        this.progressTicker = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "watch-progress"));
        this.syncer = daemon(this::syncLoop, "watch-syncer");
    }

    /** Watches {@code store} from now on: registers as its commit listener and starts the syncer. */
    public static WatchableStore start(MvccStore store, WatchOptions options, MeterRegistry registry) {
        WatchableStore watchable = new WatchableStore(store, options, registry);
        store.setCommitListener(watchable);
        watchable.syncer.start();
        return watchable;
    }

    /**
     * Opens a stream that carries any number of watches to one client.
     *
     * @param outputReady called whenever the stream has a response to take; it may be called on the apply thread,
     *     so it must only arrange for {@link WatchStream#poll} to be called elsewhere, never block
     */
    public WatchStream openStream(Runnable outputReady) {
        WatchStream stream = new WatchStream(this, outputReady, options.streamCapacity(), metrics);
        long interval = options.progressInterval().toNanos();
        stream.setProgressTicks(progressTicker.scheduleAtFixedRate(stream::progressTick, interval, interval,
                TimeUnit.NANOSECONDS));
        metrics.streamOpened();
        return stream;
    }

    /**
     * Call after the store's state was replaced from a snapshot image (a follower that fell too far behind its
     * leader), before anything is applied to {@code restored}: every watcher goes to unsynced and is caught up from
     * the restored history, starting where it had got to, so it neither misses nor repeats a revision (W-1, W-7).
     *
     * @param restored the store now serving, the same instance when it was restored in place
     */
    public void restored(MvccStore restored) {
        lock.lock();
        try {
            if (restored != store) {
                store.setCommitListener(CommitListener.NONE);
                store = restored;
                restored.setCommitListener(this);
            }
            restores++;
            publishedRevision = restored.currentRevision();
            for (Watcher watcher : synced.all()) {
                synced.remove(watcher);
                watcher.state = Watcher.State.UNSYNCED;
                unsynced.add(watcher);
            }
            wake();
        } finally {
            lock.unlock();
        }
        log.info("store restored revision={}; every watcher catches up from history", restored.currentRevision());
    }

    /** Gives each synced watcher its part of one committed revision; runs on the apply thread. */
    @Override
    public void committed(long revision, List<Event> events) {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            for (Map.Entry<Watcher, List<Event>> batch : synced.eventsByWatcher(events).entrySet()) {
                Watcher watcher = batch.getKey();
                watcher.minRevision = revision + 1;
                if (!watcher.stream.offerEvents(watcher, revision, batch.getValue())) {
                    synced.remove(watcher);
                    becomeVictim(watcher, revision, batch.getValue());
                }
            }
            publishedRevision = revision;
            if (!progressWaiting.isEmpty()) {
                List.copyOf(progressWaiting).forEach(this::sendDeferredProgress);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Stops the syncer (by flag: it may be reading the backend) and the progress ticks; watchers get nothing more. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            work.signalAll();
        } finally {
            lock.unlock();
        }
        store.setCommitListener(CommitListener.NONE);
        progressTicker.shutdown();
        try {
            syncer.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (syncer.isAlive()) {
            log.warn("watch syncer still reading after 10s; leaving it to finish");
        }
    }

    // For WatchStream.

    long currentRevision() {
        return store.currentRevision();
    }

    /** Starts {@code watcher} at {@code startRevision}: synced when that is still to come, else unsynced. */
    void add(Watcher watcher, long startRevision) {
        lock.lock();
        try {
            if (closed) {
                watcher.state = Watcher.State.GONE;
                return;
            }
            watcher.minRevision = startRevision;
            if (startRevision > store.currentRevision()) {
                joinSynced(watcher);
            } else {
                watcher.state = Watcher.State.UNSYNCED;
                unsynced.add(watcher);
                wake();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Stops {@code watcher} wherever it is; events it already queued stay queued. */
    void remove(Watcher watcher) {
        remove(watcher, () -> {
        });
    }

    /**
     * Stops {@code watcher}, then runs {@code answer} (the cancel answer) before a deferred progress response is
     * looked at again: a progress response that no longer waits for the watcher must follow its cancel answer, or a
     * client would read the progress as covering a watch that still looks open to it.
     */
    void remove(Watcher watcher, Runnable answer) {
        lock.lock();
        try {
            switch (watcher.state) {
                case SYNCED -> synced.remove(watcher);
                case UNSYNCED -> unsynced.remove(watcher);
                case VICTIM -> victims.remove(watcher);
                case GONE -> {
                    answer.run();
                    return;
                }
            }
            watcher.state = Watcher.State.GONE;
            watcher.victimEvents = List.of();
            answer.run();
            sendDeferredProgress(watcher.stream);
        } finally {
            lock.unlock();
        }
    }

    /**
     * A progress response for the whole stream (watch id -1) at the last published revision, queued after every
     * event of the stream's watchers at or below it — or, while any of them is behind, deferred until all are
     * synced (etcd 3.5's answer to W-3; etcd 3.4 answered at once, ahead of events still to come) and, for a watcher
     * that starts at a future revision, until the store has reached that revision (W-6: a member that lags behind the
     * revision a client resumed at must not answer with its own older revision).
     */
    void requestProgress(WatchStream stream) {
        lock.lock();
        try {
            stream.progressDeferred = true;
            sendDeferredProgress(stream);
        } finally {
            lock.unlock();
        }
    }

    /** The periodic progress_notify response of one watcher: only when it is synced, as etcd sends it. */
    void progressTick(Watcher watcher) {
        lock.lock();
        try {
            if (watcher.state == Watcher.State.SYNCED && publishedRevision >= watcher.startRevision) {
                watcher.stream.offerProgress(WatchUpdate.progress(watcher.id, publishedRevision));
            }
        } finally {
            lock.unlock();
        }
    }

    /** A stream that refused events has room again: its victims can be retried now rather than at the next tick. */
    void roomFreed() {
        lock.lock();
        try {
            if (!victims.isEmpty() || !unsynced.isEmpty()) {
                wake();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * The key's previous version for an event's prev_kv: its value just before the event's revision, read when the
     * response is sent, as etcd reads it. None for a create, or once compaction has removed it (etcd omits it too).
     */
    KeyValue previousValue(Event event) {
        KeyValue kv = event.getKv();
        if (event.getType() == Event.EventType.PUT && kv.getCreateRevision() == kv.getModRevision()) {
            return null;
        }
        try {
            List<KeyValue> found = store.range(KeyRange.single(kv.getKey()), kv.getModRevision() - 1, 1, false).kvs();
            return found.isEmpty() ? null : found.get(0);
        } catch (CompactedRevisionException | FutureRevisionException e) {
            return null;
        }
    }

    void streamClosed() {
        metrics.streamClosed();
    }

    // For metrics.

    int watcherCount() {
        lock.lock();
        try {
            return synced.size() + unsynced.size() + victims.size();
        } finally {
            lock.unlock();
        }
    }

    int slowWatcherCount() {
        lock.lock();
        try {
            return unsynced.size() + victims.size();
        } finally {
            lock.unlock();
        }
    }

    // The syncer.

    private void syncLoop() {
        while (true) {
            boolean more;
            try {
                more = retryVictims() | catchUpUnsynced();
            } catch (RuntimeException e) {
                log.error("watch sync round failed error={}", e.toString(), e);
                more = false;
            }
            lock.lock();
            try {
                if (closed) {
                    return;
                }
                if (!more && !wakeRequested) {
                    work.awaitNanos(options.syncInterval().toNanos());
                }
                wakeRequested = false;
            } catch (InterruptedException e) {
                log.warn("watch syncer interrupted; stopping");
                return;
            } finally {
                lock.unlock();
            }
        }
    }

    /**
     * One round of etcd's syncWatchers: chooses unsynced watchers (canceling those whose next revision is compacted),
     * reads one batch of history without the lock, and hands it over under it. Returns whether another round
     * should follow at once.
     */
    boolean catchUpUnsynced() {
        List<Watcher> chosen = new ArrayList<>();
        MvccStore source;
        long restoresSeen;
        long from = Long.MAX_VALUE;
        long to;
        lock.lock();
        try {
            if (closed || unsynced.isEmpty()) {
                return false;
            }
            source = store;
            restoresSeen = restores;
            long compacted = source.compactRevision();
            to = source.currentRevision();
            for (Watcher watcher : unsynced.all()) {
                if (chosen.size() == options.maxWatchersPerSync()) {
                    break;
                }
                if (watcher.minRevision < compacted) {
                    cancelCompacted(watcher, compacted);
                } else {
                    chosen.add(watcher);
                    from = Math.min(from, watcher.minRevision);
                }
            }
        } finally {
            lock.unlock();
        }
        if (chosen.isEmpty()) {
            return false;
        }
        List<Event> history;
        try {
            history = from <= to ? source.changes(from, to, options.syncBatchChanges()) : List.of();
        } catch (CompactedRevisionException e) {
            return true; // compacted while choosing: the next round cancels whom it concerns
        }
        // A full batch may have stopped short of `to`; then the watchers have only got up to its last revision.
        long readUpTo = history.size() >= options.syncBatchChanges()
                ? history.get(history.size() - 1).getKv().getModRevision() : to;
        lock.lock();
        try {
            if (closed || restores != restoresSeen) {
                return true;
            }
            WatcherGroup stillUnsynced = new WatcherGroup();
            chosen.stream().filter(w -> w.state == Watcher.State.UNSYNCED).forEach(stillUnsynced::add);
            Map<Watcher, List<Event>> batches = stillUnsynced.eventsByWatcher(history);
            for (Watcher watcher : stillUnsynced.all()) {
                List<Event> events = batches.getOrDefault(watcher, List.of());
                watcher.minRevision = Math.max(watcher.minRevision, readUpTo + 1);
                if (!events.isEmpty() && !watcher.stream.offerEvents(watcher, readUpTo, events)) {
                    unsynced.remove(watcher);
                    becomeVictim(watcher, readUpTo, events);
                } else if (watcher.minRevision > publishedRevision) {
                    unsynced.remove(watcher);
                    joinSynced(watcher);
                }
            }
            // Whoever is still unsynced got further this round (or became a victim): go on until none is left.
            return !unsynced.isEmpty();
        } finally {
            lock.unlock();
        }
    }

    /** etcd's moveVictims: gives victims the events their stream refused, if it has room now. */
    boolean retryVictims() {
        lock.lock();
        try {
            boolean moved = false;
            for (Iterator<Watcher> it = victims.iterator(); it.hasNext();) {
                Watcher watcher = it.next();
                if (!watcher.stream.offerEvents(watcher, watcher.victimRevision, watcher.victimEvents)) {
                    continue;
                }
                it.remove();
                watcher.victimEvents = List.of();
                moved = true;
                if (watcher.minRevision > publishedRevision) {
                    joinSynced(watcher);
                } else {
                    watcher.state = Watcher.State.UNSYNCED;
                    unsynced.add(watcher);
                }
            }
            return moved && !unsynced.isEmpty();
        } finally {
            lock.unlock();
        }
    }

    private void becomeVictim(Watcher watcher, long revision, List<Event> events) {
        watcher.state = Watcher.State.VICTIM;
        watcher.victimEvents = List.copyOf(events);
        watcher.victimRevision = revision;
        watcher.minRevision = Math.max(watcher.minRevision, revision + 1);
        victims.add(watcher);
    }

    private void joinSynced(Watcher watcher) {
        watcher.state = Watcher.State.SYNCED;
        synced.add(watcher);
        sendDeferredProgress(watcher.stream);
    }

    /** etcd sends the compaction cancel when the stream has room, and retries next round when it has not. */
    private void cancelCompacted(Watcher watcher, long compacted) {
        if (watcher.stream.offerCompacted(watcher, compacted)) {
            unsynced.remove(watcher);
            watcher.state = Watcher.State.GONE;
            sendDeferredProgress(watcher.stream);
        }
    }

    private void sendDeferredProgress(WatchStream stream) {
        if (!stream.progressDeferred) {
            progressWaiting.remove(stream);
            return;
        }
        if (stream.watchers().stream().allMatch(w -> w.state == Watcher.State.SYNCED
                && publishedRevision >= w.startRevision)) {
            stream.progressDeferred = false;
            progressWaiting.remove(stream);
            stream.offerControl(WatchUpdate.progress(WatchUpdate.NO_WATCH, publishedRevision));
        } else {
            progressWaiting.add(stream);
        }
    }

    private void wake() {
        wakeRequested = true;
        work.signalAll();
    }

    private static Thread daemon(Runnable runnable, String name) {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        return thread;
    }
}
