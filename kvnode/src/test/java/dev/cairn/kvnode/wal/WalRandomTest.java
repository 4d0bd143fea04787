package dev.cairn.kvnode.wal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.cairn.kvnode.raft.pb.ConfState;
import dev.cairn.kvnode.raft.pb.Entry;
import dev.cairn.kvnode.raft.pb.EntryType;
import dev.cairn.kvnode.raft.pb.HardState;
import dev.cairn.kvnode.raft.pb.SnapshotMetadata;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random batches, overwrites, snapshot markers, releases and crashes against a model of the log. A crash keeps
 * everything synced and any prefix of what was written after it; whatever is recovered must be exactly the model's
 * state after some prefix of the records that includes every synced one. Replay a failure with
 * {@code -Dwal.seed=N}; run longer with {@code -Dwal.steps=N}.
 */
class WalRandomTest {
    private static final WalOptions OPTIONS = new WalOptions(4096, 1, 1);

    @TempDir
    Path dir;

    @Test
    void everythingSyncedIsRecoveredExactlyThroughRandomCrashes() throws Exception {
        long seed = Long.getLong("wal.seed", System.nanoTime());
        System.out.println("WalRandomTest seed: " + seed + " (replay with -Dwal.seed=" + seed + ")");
        try {
            run(new Random(seed), Integer.getInteger("wal.steps", 600));
        } catch (AssertionError | Exception e) {
            throw new AssertionError("failed with -Dwal.seed=" + seed, e);
        }
    }

    /** The records appended so far, in order, as the model sees them: Entry, HardState or SnapshotMetadata. */
    private final List<Object> records = new ArrayList<>();
    private int syncedRecords;
    private long term = 1;
    private int crashes;

    private void run(Random random, int steps) throws Exception {
        Wal wal = Wal.open(dir, OPTIONS);
        for (int step = 0; step < steps; step++) {
            Model model = Model.replay(records, records.size());
            int action = random.nextInt(100);
            if (action < 60) {
                appendBatch(wal, model, random);
            } else if (action < 70 && model.commit() > model.snapshot.index()) {
                long index = model.snapshot.index() + 1 + (long) random.nextInt(
                        (int) (model.commit() - model.snapshot.index()));
                SnapshotMetadata marker = new SnapshotMetadata(randomConf(random), index, model.log.get(index).term());
                wal.saveSnapshotMarker(marker);
                records.add(marker);
            } else if (action < 75) {
                wal.releaseBefore(model.snapshot.index() + random.nextInt(5));
            } else if (action < 82) {
                wal = crashAndReopen(wal, random);
            }
            if (random.nextInt(3) == 0) {
                wal.sync();
                syncedRecords = records.size();
            }
        }
        wal.close();
        syncedRecords = records.size();
        checkRecovered(Wal.open(dir, OPTIONS));
        assertThat(crashes).isGreaterThan(10);
    }

    private void appendBatch(Wal wal, Model model, Random random) throws IOException {
        long floor = Math.max(model.commit(), model.snapshot.index());
        long last = model.lastIndex();
        long start = last + 1;
        if (random.nextInt(5) == 0 && last > floor) {
            // A new leader overwrites part of the uncommitted tail.
            term++;
            start = floor + 1 + random.nextInt((int) (last - floor));
        }
        List<Entry> batch = new ArrayList<>();
        int count = random.nextInt(6);
        for (int i = 0; i < count; i++) {
            byte[] data = new byte[random.nextInt(random.nextInt(10) == 0 ? 3000 : 200)];
            random.nextBytes(data);
            batch.add(new Entry(term, start + i, random.nextInt(8) == 0 ? EntryType.CONF_CHANGE : EntryType.NORMAL,
                    data));
        }
        long newLast = count > 0 ? start + count - 1 : last;
        long commit = Math.min(newLast, model.commit() + random.nextInt(4));
        HardState state = random.nextInt(4) == 0 ? new HardState(term, random.nextInt(3), Math.max(commit,
                model.commit())) : null;
        if (count > 0 && start <= model.commit()) {
            throw new IllegalStateException("the generator overwrote a committed entry");
        }
        wal.append(state, batch);
        records.addAll(batch);
        if (state != null) {
            records.add(state);
        }
    }

    /**
     * Loses what was not synced the way a crash can: part of the written-but-unsynced bytes may be on disk, the rest
     * cut off, sometimes with zeros or garbage after the cut. Never touches what sync covered.
     */
    private Wal crashAndReopen(Wal wal, Random random) throws IOException {
        crashes++;
        wal.simulatePowerLoss(random);
        Wal reopened = Wal.open(dir, OPTIONS);
        checkRecovered(reopened);
        return reopened;
    }

    /** The recovered state must be the model after some prefix holding every synced record; the log continues so. */
    private void checkRecovered(Wal wal) {
        Recovered recovered = wal.recovered();
        Model model = Model.replay(records, syncedRecords);
        for (int k = syncedRecords; ; k++) {
            if (model.recovered().equals(recovered)) {
                records.subList(k, records.size()).clear();
                syncedRecords = k;
                return;
            }
            if (k == records.size()) {
                fail("recovered " + recovered + " is no prefix of the " + records.size() + " records with "
                        + syncedRecords + " synced");
            }
            model.apply(records.get(k));
        }
    }

    private static ConfState randomConf(Random random) {
        Set<Long> voters = Set.of(1L, 2L, 3L + random.nextInt(3));
        Set<Long> learners = random.nextBoolean() ? Set.of(9L) : Set.of();
        boolean joint = random.nextInt(4) == 0;
        return new ConfState(voters, learners, joint ? Set.of(1L, 2L) : Set.of(), joint ? Set.of(7L) : Set.of(),
                joint && random.nextBoolean());
    }

    /** A plain restatement of the log's rules, independent of the code under test. */
    private static final class Model {
        final TreeMap<Long, Entry> log = new TreeMap<>();
        HardState hardState = HardState.EMPTY;
        SnapshotMetadata snapshot = SnapshotMetadata.EMPTY;

        static Model replay(List<Object> records, int count) {
            Model model = new Model();
            for (int i = 0; i < count; i++) {
                model.apply(records.get(i));
            }
            return model;
        }

        void apply(Object record) {
            if (record instanceof Entry e) {
                log.tailMap(e.index(), true).clear();
                log.put(e.index(), e);
            } else if (record instanceof HardState h) {
                hardState = h;
            } else {
                SnapshotMetadata m = (SnapshotMetadata) record;
                Entry at = log.get(m.index());
                if (at == null || at.term() != m.term()) {
                    log.clear();
                }
                log.headMap(m.index(), true).clear();
                snapshot = m;
            }
        }

        long commit() {
            return hardState.commit();
        }

        long lastIndex() {
            return log.isEmpty() ? snapshot.index() : log.lastKey();
        }

        Recovered recovered() {
            return new Recovered(hardState, snapshot, new ArrayList<>(log.values()));
        }
    }
}
