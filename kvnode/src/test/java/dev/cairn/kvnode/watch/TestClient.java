package dev.cairn.kvnode.watch;

import dev.cairn.kvnode.proto.mvccpb.Event;
import java.util.ArrayList;
import java.util.List;

/** The client end of a watch stream: takes responses only when told to, so a test decides how slow it is. */
final class TestClient {
    final WatchStream stream;
    /** Every response taken, in the order the stream gave them. */
    final List<WatchUpdate> received = new ArrayList<>();

    TestClient(WatchableStore store) {
        this.stream = store.openStream(() -> {
        });
    }

    /** Takes every response waiting; returns how many. */
    int takeAll() {
        int taken = 0;
        for (WatchUpdate update = stream.poll(); update != null; update = stream.poll()) {
            received.add(update);
            taken++;
        }
        return taken;
    }

    /** Takes at most one response. */
    void takeOne() {
        WatchUpdate update = stream.poll();
        if (update != null) {
            received.add(update);
        }
    }

    /** The events given to watch {@code watchId}, in the order they were sent. */
    List<Event> events(long watchId) {
        List<Event> events = new ArrayList<>();
        for (WatchUpdate update : received) {
            if (update.watchId() == watchId) {
                events.addAll(update.events());
            }
        }
        return events;
    }

    /** Takes responses until {@code watchId} has been given {@code count} events (or the wait times out). */
    List<Event> awaitEvents(long watchId, int count) {
        WatchFixture.awaitUntil("watch " + watchId + " given " + count + " events", () -> {
            takeAll();
            return events(watchId).size() >= count;
        });
        return events(watchId);
    }

    /**
     * Takes responses until every watcher is synced and nothing is left to take, so that an assertion made after it
     * would also see any event sent twice.
     */
    void settle(WatchableStore store) {
        settle(store, List.of(this));
    }

    /** {@link #settle} for all the clients of {@code store} at once: each one's victims wait for it to take. */
    static void settle(WatchableStore store, List<TestClient> clients) {
        WatchFixture.awaitUntil("every watcher synced and every response taken", () -> {
            clients.forEach(TestClient::takeAll);
            return store.slowWatcherCount() == 0 && clients.stream().noneMatch(c -> c.stream.hasOutput());
        });
    }

    List<WatchUpdate> updates(long watchId) {
        return received.stream().filter(u -> u.watchId() == watchId).toList();
    }
}
