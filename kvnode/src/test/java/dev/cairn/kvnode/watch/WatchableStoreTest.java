package dev.cairn.kvnode.watch;

import static dev.cairn.kvnode.watch.WatchFixture.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.cairn.kvnode.mvcc.KeyRange;
import dev.cairn.kvnode.mvcc.MvccStore;
import dev.cairn.kvnode.proto.mvccpb.Event;
import dev.cairn.kvnode.watch.WatchFixture.Change;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The watcher groups and their transitions (synced, unsynced, victim, gone) on a real store, each case checked
 * against the events the writes themselves reported. Scenario ids from raft-scenarios.md section C name the tests
 * that reproduce them.
 */
class WatchableStoreTest {
    private static final ByteString FROM_KEY = ByteString.copyFrom(new byte[] {0});

    @TempDir
    Path dir;
    WatchFixture fixture;

    private WatchFixture start(WatchOptions options) {
        fixture = new WatchFixture(dir, options);
        return fixture;
    }

    @AfterEach
    void close() {
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void aSyncedWatcherIsGivenEachRevisionAsItCommits() {
        WatchFixture f = start(WatchOptions.DEFAULTS);
        f.put("a", "0");
        TestClient client = new TestClient(f.watchable);
        client.stream.create(WatchSpec.of(bytes("a"), ByteString.EMPTY, 0));
        client.takeAll();

        f.put("a", "1");
        f.put("b", "x");
        f.delete("a");

        assertThat(client.received.get(0)).isEqualTo(WatchUpdate.created(0, 2));
        client.settle(f.watchable);
        assertThat(client.events(0)).containsExactlyElementsOf(f.expected(KeyRange.single(bytes("a")), 3, false,
                false));
        // One response per revision, its header at that revision.
        assertThat(client.updates(0).stream().skip(1).map(WatchUpdate::revision)).containsExactly(3L, 5L);
    }

    @Test
    void anUnsyncedWatcherCatchesUpFromHistoryInBatchesThenFollows() {
        WatchFixture f = start(WatchOptions.DEFAULTS.withSyncBatchChanges(4));
        for (int i = 0; i < 30; i++) {
            f.write(Change.put("k" + i % 5, "v" + i), Change.put("other", "o" + i), Change.put("k9", "w" + i));
        }
        TestClient client = new TestClient(f.watchable);
        client.stream.create(WatchSpec.of(bytes("k"), bytes("l"), 2));
        client.awaitEvents(0, 60);
        for (int i = 0; i < 5; i++) {
            f.put("k" + i, "late" + i);
        }

        client.settle(f.watchable);
        assertThat(client.events(0)).containsExactlyElementsOf(f.expected(KeyRange.of(bytes("k"), bytes("l")), 2,
                false, false));
        for (WatchUpdate update : client.updates(0)) {
            // A revision's events never straddle two responses, and no response claims less than it carries.
            List<Long> revisions = update.events().stream().map(e -> e.getKv().getModRevision()).toList();
            assertThat(revisions).allMatch(r -> r <= update.revision());
            assertThat(client.events(0).stream().filter(e -> revisions.contains(e.getKv().getModRevision())))
                    .hasSize(revisions.size());
        }
    }

    @Test
    void w02_aSlowConsumerBecomesAVictimAndLosesNothing() {
        WatchFixture f = start(WatchOptions.DEFAULTS.withStreamCapacity(2));
        TestClient slow = new TestClient(f.watchable);
        slow.stream.create(WatchSpec.of(bytes("k"), FROM_KEY, 0));
        TestClient fast = new TestClient(f.watchable);
        fast.stream.create(WatchSpec.of(bytes("k"), FROM_KEY, 0));

        for (int i = 0; i < 40; i++) {
            f.put("k" + i % 3, "v" + i);
            fast.takeAll();
        }

        assertThat(f.watchable.slowWatcherCount()).isEqualTo(1);
        assertThat(f.gauge("etcd.debugging.mvcc.slow.watcher.total")).isEqualTo(1);
        assertThat(slow.stream.backlog()).isEqualTo(3); // created + the two event responses that fit
        slow.settle(f.watchable);
        List<Event> expected = f.expected(KeyRange.of(bytes("k"), FROM_KEY), 2, false, false);
        assertThat(slow.events(0)).containsExactlyElementsOf(expected);
        assertThat(fast.events(0)).containsExactlyElementsOf(expected);
        assertThat(f.gauge("etcd.debugging.mvcc.slow.watcher.total")).isZero();
    }

    /**
     * W-3 with a cancel: a progress response deferred for a watcher that is then canceled comes after the cancel
     * answer, so it never seems to cover a watch the client still sees open (found by WatchModelTest).
     */
    @Test
    void aProgressThatWaitedForACanceledWatchFollowsItsCancelAnswer() {
        WatchFixture f = start(WatchOptions.DEFAULTS.withStreamCapacity(1));
        TestClient client = new TestClient(f.watchable);
        client.stream.create(WatchSpec.of(bytes("a"), ByteString.EMPTY, 0));
        f.put("a", "1"); // fills the stream
        f.put("a", "2"); // refused: the watcher becomes a victim
        assertThat(f.watchable.slowWatcherCount()).isEqualTo(1);
        client.stream.requestProgress(); // waits for the victim

        client.stream.cancel(0);
        client.takeAll();

        assertThat(client.received).extracting(u -> u.created() ? "created" : u.canceled() ? "canceled"
                : u.watchId() == WatchUpdate.NO_WATCH ? "progress" : "events")
                .containsExactly("created", "events", "canceled", "progress");
    }

    @Test
    void aWatcherStartingBelowTheCompactedRevisionIsCanceledWithIt() throws Exception {
        WatchFixture f = start(WatchOptions.DEFAULTS);
        for (int i = 0; i < 5; i++) {
            f.put("a", "v" + i);
        }
        f.compact(4);
        TestClient client = new TestClient(f.watchable);
        client.stream.create(WatchSpec.of(bytes("a"), ByteString.EMPTY, 3));
        client.stream.create(WatchSpec.of(bytes("a"), ByteString.EMPTY, 4));

        client.awaitEvents(1, 3);
        WatchFixture.awaitUntil("the compaction cancel", () -> {
            client.takeAll();
            return client.updates(0).size() == 2;
        });
        assertThat(client.updates(0).get(1)).isEqualTo(WatchUpdate.compacted(0, 4));
        assertThat(client.events(0)).isEmpty();
        assertThat(client.events(1)).containsExactlyElementsOf(f.expected(KeyRange.single(bytes("a")), 4, false,
                false));
        assertThat(f.watchable.watcherCount()).isEqualTo(1);
    }

    @Test
    void w04_deleteEventAtCompactedRevision() throws Exception {
        WatchFixture f = start(WatchOptions.DEFAULTS);
        f.put("key", "v2");
        f.put("key", "v3");
        f.put("key", "v4");
        long deleted = f.delete("key");
        f.put("key", "v6");
        f.compact(deleted);
        TestClient client = new TestClient(f.watchable);

        client.stream.create(WatchSpec.of(bytes("key"), ByteString.EMPTY, deleted));

        List<Event> events = client.awaitEvents(0, 2);
        assertThat(events).extracting(Event::getType, e -> e.getKv().getModRevision())
                .containsExactly(org.assertj.core.groups.Tuple.tuple(Event.EventType.DELETE, 5L),
                        org.assertj.core.groups.Tuple.tuple(Event.EventType.PUT, 6L));
    }

    @Test
    void w05_aWatchOpenedAtTheRevisionOfACompactionSeesItsDelete() throws Exception {
        WatchFixture f = start(WatchOptions.DEFAULTS);
        f.put("key", "v");
        long deleted = f.delete("key");
        TestClient before = new TestClient(f.watchable);
        TestClient after = new TestClient(f.watchable);

        // One watch opened while the compaction is still deleting in the background, one once it has finished.
        var compaction = f.store.compact(deleted, new dev.cairn.kvnode.mvcc.ApplyPosition(100, 1));
        before.stream.create(WatchSpec.of(bytes("key"), ByteString.EMPTY, deleted));
        compaction.get();
        after.stream.create(WatchSpec.of(bytes("key"), ByteString.EMPTY, deleted));

        List<Event> expected = f.expected(KeyRange.single(bytes("key")), deleted, false, false);
        assertThat(expected).singleElement().extracting(Event::getType).isEqualTo(Event.EventType.DELETE);
        assertThat(before.awaitEvents(0, 1)).containsExactlyElementsOf(expected);
        assertThat(after.awaitEvents(0, 1)).containsExactlyElementsOf(expected);
    }

    @Test
    void w06_aWatchOnAFutureRevisionStartsExactlyThere() {
        WatchFixture f = start(WatchOptions.DEFAULTS);
        long current = f.put("a", "now");
        TestClient client = new TestClient(f.watchable);
        client.stream.create(WatchSpec.of(bytes("a"), ByteString.EMPTY, current + 3));

        for (int i = 0; i < 5; i++) {
            f.put("a", "v" + i);
        }

        client.settle(f.watchable);
        assertThat(client.events(0)).extracting(e -> e.getKv().getModRevision()).containsExactly(current + 3,
                current + 4, current + 5);
        assertThat(client.updates(0)).allMatch(u -> u.created() || u.revision() >= current + 3);
    }

    /**
     * W-6 (etcd #19487): a watch resumed at a revision this store has not reached yet — a lagging member — gets no
     * progress response below its start, neither on request nor from the ticker; the request is answered once the
     * store gets there, and the periodic notifications start then.
     */
    @Test
    void w06_noProgressResponseBelowAFutureStartRevision() {
        WatchFixture f = start(WatchOptions.DEFAULTS.withProgressInterval(java.time.Duration.ofMillis(20)));
        long current = f.put("a", "now");
        long start = current + 3;
        TestClient client = new TestClient(f.watchable);
        client.stream.create(new WatchSpec(bytes("a"), ByteString.EMPTY, start, false, false, false, true, false, 0));
        client.stream.requestProgress();
        f.put("a", "below the start");
        client.stream.requestProgress();
        // A witness stream ticking at the same interval shows that ticks have passed.
        TestClient witness = new TestClient(f.watchable);
        witness.stream.create(new WatchSpec(bytes("w"), ByteString.EMPTY, 0, false, false, false, true, false, 0));
        WatchFixture.awaitUntil("progress ticks passed", () -> {
            client.takeAll();
            witness.takeAll();
            return witness.updates(0).size() >= 4;
        });
        assertThat(client.received).as("before the start revision").allMatch(WatchUpdate::created);

        f.put("a", "still below");
        f.put("a", "at the start");
        WatchFixture.awaitUntil("the deferred progress response and a tick", () -> {
            client.takeAll();
            return client.updates(WatchUpdate.NO_WATCH).size() == 1 && client.updates(0).size() >= 3;
        });
        assertThat(client.received).filteredOn(u -> !u.created() && u.events().isEmpty())
                .extracting(WatchUpdate::revision).allMatch(revision -> revision >= start);
        assertThat(client.events(0)).extracting(e -> e.getKv().getModRevision()).containsExactly(start);
    }

    @Test
    void w08_startRevisionZeroMeansTheRevisionAfterTheCurrentOne() {
        WatchFixture f = start(WatchOptions.DEFAULTS);
        for (int i = 0; i < 4; i++) {
            f.put("a", "old" + i);
        }
        TestClient client = new TestClient(f.watchable);
        client.stream.create(WatchSpec.of(bytes("a"), ByteString.EMPTY, 0));
        long next = f.put("a", "new");

        client.settle(f.watchable);
        assertThat(client.updates(0).get(0)).isEqualTo(WatchUpdate.created(0, next - 1));
        assertThat(client.events(0)).extracting(e -> e.getKv().getModRevision()).containsExactly(next);
    }

    @Test
    void filtersRangesAndFromKeyWatchesSeeExactlyTheirEvents() {
        WatchFixture f = start(WatchOptions.DEFAULTS);
        f.put("b0", "early");
        TestClient client = new TestClient(f.watchable);
        record Case(KeyRange range, boolean noPut, boolean noDelete) {
        }
        List<Case> cases = List.of(new Case(KeyRange.of(bytes("b"), bytes("c")), false, false),
                new Case(KeyRange.of(bytes("b"), bytes("c")), true, false),
                new Case(KeyRange.of(bytes("b"), bytes("c")), false, true),
                new Case(KeyRange.of(bytes("b1"), FROM_KEY), false, false),
                new Case(KeyRange.single(bytes("b1")), false, false),
                new Case(KeyRange.of(bytes(""), FROM_KEY), false, false));
        for (Case c : cases) {
            client.stream.create(new WatchSpec(c.range().key(), c.range().end(), 2, c.noPut(), c.noDelete(), false,
                    false, false, 0));
        }
        f.write(Change.put("a", "1"), Change.put("b1", "1"), Change.put("c", "1"));
        f.write(Change.deleteRange("a", "z"));
        f.write(Change.put("b1", "2"), Change.put("b2", "2"), Change.put("bz", "2"));
        f.delete("b1");

        client.settle(f.watchable);
        for (int id = 0; id < cases.size(); id++) {
            Case c = cases.get(id);
            // etcd watches the key "\0" for an empty key, which is where a from-key watch of "" begins anyway.
            KeyRange range = c.range().key().isEmpty() ? KeyRange.of(FROM_KEY, FROM_KEY) : c.range();
            assertThat(client.events(id)).as("watch %s", c)
                    .containsExactlyElementsOf(f.expected(range, 2, c.noPut(), c.noDelete()));
        }
    }

    @Test
    void prevKvIsTheKeysValueJustBeforeTheEvent() {
        WatchFixture f = start(WatchOptions.DEFAULTS);
        TestClient client = new TestClient(f.watchable);
        client.stream.create(new WatchSpec(bytes("k"), ByteString.EMPTY, 0, false, false, true, false, false, 0));

        f.put("k", "first");
        f.put("k", "second");
        f.delete("k");

        List<Event> events = client.awaitEvents(0, 3);
        assertThat(events.get(0).hasPrevKv()).isFalse();
        assertThat(events.get(1).getPrevKv().getValue()).isEqualTo(bytes("first"));
        assertThat(events.get(2).getPrevKv().getValue()).isEqualTo(bytes("second"));
        assertThat(events.get(2).getPrevKv().getModRevision()).isEqualTo(events.get(1).getKv().getModRevision());
    }

    @Test
    void idsAreChosenOrCheckedAndEmptyRangesRefusedAsEtcdDoes() {
        WatchFixture f = start(WatchOptions.DEFAULTS);
        TestClient client = new TestClient(f.watchable);

        client.stream.create(WatchSpec.of(bytes("a"), ByteString.EMPTY, 0));
        client.stream.create(new WatchSpec(bytes("a"), ByteString.EMPTY, 0, false, false, false, false, false, 1));
        client.stream.create(new WatchSpec(bytes("a"), ByteString.EMPTY, 0, false, false, false, false, false, 1));
        client.stream.create(WatchSpec.of(bytes("a"), ByteString.EMPTY, 0));
        client.stream.create(WatchSpec.of(bytes("b"), bytes("a"), 0));
        client.stream.cancel(0);
        client.stream.cancel(42);
        client.takeAll();

        assertThat(client.received).containsExactly(WatchUpdate.created(0, 1), WatchUpdate.created(1, 1),
                WatchUpdate.refused(1, WatchStream.DUPLICATE_ID), WatchUpdate.created(2, 1),
                WatchUpdate.refused(1, WatchStream.EMPTY_RANGE), WatchUpdate.canceled(0, 1));
        assertThat(f.watchable.watcherCount()).isEqualTo(2);
    }

    @Test
    void aRefusedCreateSignalsOutputLikeAnAcceptedOne() {
        WatchFixture f = start(WatchOptions.DEFAULTS);
        java.util.concurrent.atomic.AtomicInteger signals = new java.util.concurrent.atomic.AtomicInteger();
        WatchStream stream = f.watchable.openStream(signals::incrementAndGet);

        stream.create(WatchSpec.of(bytes("b"), bytes("a"), 0));
        assertThat(signals.get()).as("signals after an empty range").isEqualTo(1);
        stream.create(new WatchSpec(bytes("a"), ByteString.EMPTY, 0, false, false, false, false, false, 7));
        int afterCreate = signals.get();
        stream.create(new WatchSpec(bytes("a"), ByteString.EMPTY, 0, false, false, false, false, false, 7));

        // The sender is told, so the refusal reaches the client now, not with whatever is sent next.
        assertThat(signals.get()).as("signals after a duplicate id").isGreaterThan(afterCreate);
        assertThat(stream.poll()).isEqualTo(WatchUpdate.refused(1, WatchStream.EMPTY_RANGE));
    }

    @Test
    void aCanceledWatcherIsGivenNothingMore() {
        WatchFixture f = start(WatchOptions.DEFAULTS);
        TestClient client = new TestClient(f.watchable);
        client.stream.create(WatchSpec.of(bytes("a"), ByteString.EMPTY, 0));
        f.put("a", "1");
        client.stream.cancel(0);
        f.put("a", "2");

        client.settle(f.watchable);
        assertThat(client.events(0)).extracting(e -> e.getKv().getValue()).containsExactly(bytes("1"));
        assertThat(client.updates(0).get(client.updates(0).size() - 1).canceled()).isTrue();
        assertThat(f.gauge("etcd.debugging.mvcc.watcher.total")).isZero();
    }

    @Test
    void w03_aProgressResponseAtRevisionRFollowsEveryEventUpToR() {
        WatchFixture f = start(WatchOptions.DEFAULTS.withStreamCapacity(1).withSyncBatchChanges(3));
        for (int i = 0; i < 20; i++) {
            f.put("p" + i % 4, "v" + i);
        }
        TestClient client = new TestClient(f.watchable);
        client.stream.create(WatchSpec.of(bytes("p"), bytes("q"), 2));
        client.stream.requestProgress();
        for (int i = 0; i < 5; i++) {
            f.put("p" + i, "late" + i);
            client.takeOne();
            client.stream.requestProgress();
        }

        client.settle(f.watchable);
        client.stream.requestProgress();
        client.takeAll();
        List<WatchUpdate> progress = client.updates(WatchUpdate.NO_WATCH);
        assertThat(progress).isNotEmpty();
        assertThat(progress.get(progress.size() - 1).revision()).isEqualTo(f.store.currentRevision());
        List<Long> sentSoFar = new ArrayList<>();
        for (WatchUpdate update : client.received) {
            if (update.watchId() == WatchUpdate.NO_WATCH) {
                long r = update.revision();
                List<Long> due = f.expected(KeyRange.of(bytes("p"), bytes("q")), 2, false, false).stream()
                        .map(e -> e.getKv().getModRevision()).filter(rev -> rev <= r).toList();
                assertThat(sentSoFar.stream().filter(rev -> rev <= r)).as("events sent before progress at %d", r)
                        .containsExactlyElementsOf(due);
            }
            update.events().forEach(e -> sentSoFar.add(e.getKv().getModRevision()));
        }
    }

    @Test
    void progressNotifyIsSentToSyncedWatchersGivenNothingSinceTheLastTick() {
        WatchFixture f = start(WatchOptions.DEFAULTS.withProgressInterval(java.time.Duration.ofMillis(20)));
        TestClient client = new TestClient(f.watchable);
        long current = f.put("x", "1");
        client.stream.create(new WatchSpec(bytes("a"), ByteString.EMPTY, 0, false, false, false, true, false, 0));
        client.stream.create(WatchSpec.of(bytes("b"), ByteString.EMPTY, 0));

        WatchFixture.awaitUntil("two progress notifications", () -> {
            client.takeAll();
            return client.updates(0).size() >= 3;
        });
        assertThat(client.updates(0).subList(1, 3)).containsOnly(WatchUpdate.progress(0, current));
        assertThat(client.updates(1)).hasSize(1);
    }

    @Test
    void w07_watchersCatchUpAfterTheStoreIsRestoredFromASnapshotImage() throws Exception {
        WatchFixture f = start(WatchOptions.DEFAULTS.withSyncBatchChanges(5));
        Path leaderDir = dir.resolve("leader");
        List<Event> leaderHistory = new ArrayList<>();
        try (MvccStore leader = MvccStore.open(leaderDir.resolve("kv.db"))) {
            for (int i = 0; i < 10; i++) {
                WatchFixture.write(leader, leaderHistory, i + 1, Change.put("k" + i % 3, "v" + i));
                f.put("k" + i % 3, "v" + i);
            }
            TestClient client = new TestClient(f.watchable);
            client.stream.create(WatchSpec.of(bytes("k"), bytes("l"), 5));
            client.settle(f.watchable);
            // The leader goes on while this member is cut off; it then receives the leader's snapshot.
            for (int i = 10; i < 30; i++) {
                WatchFixture.write(leader, leaderHistory, i + 1, Change.put("k" + i % 3, "v" + i));
            }
            MvccStore restored = WatchFixture.restoredCopy(leader, dir.resolve("restored").resolve("kv.db"));
            MvccStore replaced = f.store;
            f.store = restored;
            f.watchable.restored(restored);
            replaced.close();
            f.history.clear();
            f.history.addAll(leaderHistory);
            f.put("k1", "after");

            client.settle(f.watchable);
            List<Event> events = client.events(0);
            assertThat(events).containsExactlyElementsOf(f.expected(KeyRange.of(bytes("k"), bytes("l")), 5, false,
                    false));
            // W-1: never back in time.
            assertThat(events).extracting(e -> e.getKv().getModRevision()).isSorted().doesNotHaveDuplicates();
        }
    }

    @Test
    void w01_aRestoreNeverSendsARevisionAgain() throws Exception {
        WatchFixture f = start(WatchOptions.DEFAULTS);
        for (int i = 0; i < 6; i++) {
            f.put("k", "v" + i);
        }
        TestClient client = new TestClient(f.watchable);
        client.stream.create(WatchSpec.of(bytes("k"), ByteString.EMPTY, 3));
        client.stream.create(WatchSpec.of(bytes("k"), ByteString.EMPTY, f.store.currentRevision() + 2));
        client.settle(f.watchable);

        // An image of the very state the watchers have already been given everything of.
        MvccStore restored = WatchFixture.restoredCopy(f.store, dir.resolve("same").resolve("kv.db"));
        MvccStore replaced = f.store;
        f.store = restored;
        f.watchable.restored(restored);
        replaced.close();
        f.put("k", "after");
        f.put("k", "later");

        client.settle(f.watchable);
        assertThat(client.events(0)).extracting(e -> e.getKv().getModRevision())
                .containsExactly(3L, 4L, 5L, 6L, 7L, 8L, 9L);
        assertThat(client.events(1)).extracting(e -> e.getKv().getModRevision()).containsExactly(9L);
    }

    @Test
    void theGaugesCountWatchersStreamsAndPendingEvents() {
        WatchFixture f = start(WatchOptions.DEFAULTS);
        TestClient client = new TestClient(f.watchable);
        client.stream.create(WatchSpec.of(bytes("a"), ByteString.EMPTY, 0));
        client.stream.create(WatchSpec.of(bytes("a"), bytes("b"), 0));
        f.write(Change.put("a", "1"), Change.put("a0", "1"));

        assertThat(f.gauge("etcd.debugging.mvcc.watcher.total")).isEqualTo(2);
        assertThat(f.gauge("etcd.debugging.mvcc.watch.stream.total")).isEqualTo(1);
        assertThat(f.gauge("etcd.debugging.mvcc.pending.events.total")).isEqualTo(3);
        client.takeAll();
        assertThat(f.gauge("etcd.debugging.mvcc.pending.events.total")).isZero();
        client.stream.close();
        assertThat(f.gauge("etcd.debugging.mvcc.watch.stream.total")).isZero();
        assertThat(f.gauge("etcd.debugging.mvcc.watcher.total")).isZero();
    }
}
