package dev.cairn.kvnode.watch;

import static dev.cairn.kvnode.watch.WatchFixture.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.cairn.kvnode.mvcc.KeyRange;
import dev.cairn.kvnode.proto.mvccpb.Event;
import dev.cairn.kvnode.watch.WatchFixture.Change;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded random writes, watches, cancels, compactions, progress requests and clients of random slowness (tiny
 * stream capacities make victims all the time; tiny catch-up batches split history), checked against the model of
 * what the writes reported: every watch is given exactly the events of its range from its start, in order, once —
 * or a prefix of them ended by its cancel — and every progress response at R follows every event up to R.
 *
 * <p>The seed changes per run and is printed; replay a failure with {@code -Dwatch.seed=N}.
 */
class WatchModelTest {
    private static final ByteString FROM_KEY = ByteString.copyFrom(new byte[] {0});
    private static final int KEYS = 8;

    @TempDir
    Path dir;

    @Test
    void randomWritesAndWatchesGiveEveryWatchExactlyItsEventsOnce() throws Exception {
        long seed = Long.getLong("watch.seed", System.nanoTime());
        System.out.println("WatchModelTest seed: " + seed + " (replay with -Dwatch.seed=" + seed + ")");
        try {
            run(new Random(seed), Integer.getInteger("watch.steps", 400));
        } catch (AssertionError | Exception e) {
            throw new AssertionError("failed with seed " + seed + "; replay: ./mvnw -B -q -ntp -pl kvnode test "
                    + "-Dtest=WatchModelTest -Dwatch.seed=" + seed, e);
        }
    }

    /** One create request as the client made it. */
    private record Created(WatchSpec spec, KeyRange range) {
    }

    private static final class Client {
        final TestClient end;
        final List<Created> creates = new ArrayList<>();

        Client(WatchableStore store) {
            end = new TestClient(store);
        }
    }

    private void run(Random random, int steps) throws Exception {
        WatchOptions options = WatchOptions.DEFAULTS.withStreamCapacity(1 + random.nextInt(4))
                .withSyncBatchChanges(1 + random.nextInt(10)).withMaxWatchersPerSync(1 + random.nextInt(4));
        try (WatchFixture f = new WatchFixture(dir, options)) {
            List<Client> clients = List.of(new Client(f.watchable), new Client(f.watchable),
                    new Client(f.watchable));
            for (int step = 0; step < steps; step++) {
                Client client = clients.get(random.nextInt(clients.size()));
                int action = random.nextInt(100);
                if (action < 45) {
                    f.write(randomTxn(random));
                } else if (action < 57) {
                    create(f, client, random);
                } else if (action < 61 && !client.creates.isEmpty()) {
                    client.end.stream.cancel(random.nextInt(client.creates.size()));
                } else if (action < 64 && f.store.currentRevision() > f.store.compactRevision() + 1) {
                    f.compact(f.store.compactRevision() + 1
                            + random.nextInt((int) (f.store.currentRevision() - f.store.compactRevision())));
                } else if (action < 68) {
                    client.end.stream.requestProgress();
                } else if (action < 85) {
                    for (int i = random.nextInt(3); i >= 0; i--) {
                        client.end.takeOne();
                    }
                } else {
                    client.end.takeAll();
                }
            }
            TestClient.settle(f.watchable, clients.stream().map(c -> c.end).toList());
            for (Client client : clients) {
                check(f, client);
            }
        }
    }

    private static void create(WatchFixture f, Client client, Random random) {
        int a = random.nextInt(KEYS);
        int b = a + 1 + random.nextInt(KEYS - a);
        KeyRange range = switch (random.nextInt(3)) {
            case 0 -> KeyRange.single(key(a));
            case 1 -> KeyRange.of(key(a), key(b));
            default -> KeyRange.of(key(a), FROM_KEY);
        };
        long current = f.store.currentRevision();
        long start = random.nextInt(4) == 0 ? 0 : Math.max(1, current - random.nextInt((int) current + 2) + 2);
        WatchSpec spec = new WatchSpec(range.key(), range.end(), start, random.nextInt(5) == 0,
                random.nextInt(5) == 0, random.nextBoolean(), false, false, 0);
        client.creates.add(new Created(spec, range));
        client.end.stream.create(spec);
    }

    private static void check(WatchFixture f, Client client) {
        List<WatchUpdate> received = client.end.received;
        Map<Long, Long> startOf = new HashMap<>();
        Map<Long, Integer> endedAt = new HashMap<>();
        int creates = 0;
        for (int at = 0; at < received.size(); at++) {
            WatchUpdate update = received.get(at);
            if (update.created()) {
                WatchSpec spec = client.creates.get(creates++).spec();
                assertThat(update.watchId()).isEqualTo(creates - 1);
                startOf.put(update.watchId(), spec.startRevision() > 0 ? spec.startRevision() : update.revision() + 1);
            } else if (update.canceled()) {
                endedAt.put(update.watchId(), at);
            } else if (update.watchId() == WatchUpdate.NO_WATCH) {
                checkProgress(f, client, startOf, endedAt, at);
            }
        }
        assertThat(creates).isEqualTo(client.creates.size());
        for (long id = 0; id < creates; id++) {
            Created created = client.creates.get((int) id);
            List<Event> expected = f.expected(created.range(), startOf.get(id), created.spec().noPut(),
                    created.spec().noDelete());
            List<Event> got = withoutPrevKv(client.end.events(id));
            if (endedAt.containsKey(id)) {
                assertThat(got).as("watch %d (canceled)", id).isEqualTo(expected.subList(0, got.size()));
                WatchUpdate end = received.get(endedAt.get(id));
                if (end.compactRevision() > 0) {
                    long firstMissing = got.size() < expected.size()
                            ? expected.get(got.size()).getKv().getModRevision() : Long.MAX_VALUE;
                    assertThat(firstMissing).as("watch %d: a compaction cancel only hides compacted revisions", id)
                            .isGreaterThanOrEqualTo(startOf.get(id));
                }
            } else {
                assertThat(got).as("watch %d %s", id, created).containsExactlyElementsOf(expected);
            }
            if (created.spec().prevKv()) {
                checkPrevKvs(f, client.end.events(id));
            }
        }
    }

    /** W-3: at a progress response at R, every watch of the stream has already been given its events up to R. */
    private static void checkProgress(WatchFixture f, Client client, Map<Long, Long> startOf,
            Map<Long, Integer> endedAt, int at) {
        long r = client.end.received.get(at).revision();
        for (Map.Entry<Long, Long> watch : startOf.entrySet()) {
            long id = watch.getKey();
            if (endedAt.containsKey(id)) {
                continue;
            }
            Created created = client.creates.get((int) id);
            List<Event> due = f.expected(created.range(), watch.getValue(), created.spec().noPut(),
                    created.spec().noDelete()).stream().filter(e -> e.getKv().getModRevision() <= r).toList();
            List<Event> sent = withoutPrevKv(client.end.received.subList(0, at).stream()
                    .filter(u -> u.watchId() == id).flatMap(u -> u.events().stream())
                    .filter(e -> e.getKv().getModRevision() <= r).toList());
            assertThat(sent).as("watch %d before progress at %d", id, r).containsExactlyElementsOf(due);
        }
    }

    /** A prev_kv, when given, is the key's newest version before the event, according to the model. */
    private static void checkPrevKvs(WatchFixture f, List<Event> events) {
        for (Event event : events) {
            if (!event.hasPrevKv()) {
                continue;
            }
            Event previous = f.history.stream()
                    .filter(e -> e.getKv().getKey().equals(event.getKv().getKey())
                            && e.getKv().getModRevision() < event.getKv().getModRevision())
                    .reduce((first, second) -> second).orElseThrow();
            assertThat(previous.getType()).isEqualTo(Event.EventType.PUT);
            assertThat(event.getPrevKv()).isEqualTo(previous.getKv());
        }
    }

    private static List<Event> withoutPrevKv(List<Event> events) {
        return events.stream().map(e -> e.toBuilder().clearPrevKv().build()).toList();
    }

    private static Change[] randomTxn(Random random) {
        if (random.nextInt(10) == 0) {
            int a = random.nextInt(KEYS);
            return new Change[] {Change.deleteRange(key(a).toStringUtf8(), key(a + 3).toStringUtf8())};
        }
        // Distinct keys: etcd refuses a transaction that changes one key twice.
        List<Integer> keys = new ArrayList<>(List.of(0, 1, 2, 3, 4, 5, 6, 7));
        java.util.Collections.shuffle(keys, random);
        Change[] changes = new Change[1 + random.nextInt(3)];
        for (int i = 0; i < changes.length; i++) {
            String key = key(keys.get(i)).toStringUtf8();
            changes[i] = random.nextInt(4) == 0 ? Change.delete(key) : Change.put(key, "v" + random.nextInt(1000));
        }
        return changes;
    }

    private static ByteString key(int i) {
        return bytes("k" + i);
    }
}
