package dev.cairn.kvnode.mvcc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Compaction of one key's history, checked against etcd's key_index_test.go cases and against reads before and
 * after compaction on random histories. Replay a random failure with {@code -Dcompact.seed=N}; run more histories
 * with {@code -Dcompact.histories=N}.
 *
 * <p>Expected generations are written oldest first, revisions separated by spaces, generations by {@code |};
 * {@code 15.1} is main 15, sub 1. An empty current generation shows as nothing after the last {@code |}.
 */
class KeyHistoryCompactionTest {

    /**
     * etcd's newTestKeyIndex: put 2, put 4, delete 6, put 8, put 10, delete 12, put 14, put 15.1, delete 16. Each row:
     * compaction revision, the generations left, the revisions reported available (etcd's TestKeyIndexCompactAndKeep).
     */
    private static final String[][] ETCD_TABLE = {
            {"1", "2 4 6 | 8 10 12 | 14 15.1 16 |", ""},
            {"2", "2 4 6 | 8 10 12 | 14 15.1 16 |", "2"},
            {"3", "2 4 6 | 8 10 12 | 14 15.1 16 |", "2"},
            {"4", "4 6 | 8 10 12 | 14 15.1 16 |", "4"},
            {"5", "4 6 | 8 10 12 | 14 15.1 16 |", "4"},
            {"6", "6 | 8 10 12 | 14 15.1 16 |", "6"},
            {"7", "8 10 12 | 14 15.1 16 |", ""},
            {"8", "8 10 12 | 14 15.1 16 |", "8"},
            {"9", "8 10 12 | 14 15.1 16 |", "8"},
            {"10", "10 12 | 14 15.1 16 |", "10"},
            {"11", "10 12 | 14 15.1 16 |", "10"},
            {"12", "12 | 14 15.1 16 |", "12"},
            {"13", "14 15.1 16 |", ""},
            {"14", "14 15.1 16 |", "14"},
            {"15", "15.1 16 |", "15.1"},
            {"16", "16 |", "16"},
            {"17", "", ""},
    };

    /** The create revision of each life of etcd's test history, by its tombstone. */
    private static final Map<Long, Long> CREATED_BY_TOMBSTONE = Map.of(6L, 2L, 12L, 8L, 16L, 14L);

    @Test
    void compactingStepByStepFollowsEtcdTable() {
        KeyHistory history = etcdTestHistory();
        for (String[] row : ETCD_TABLE) {
            Set<Revision> available = new HashSet<>();
            history.compact(Long.parseLong(row[0]), available);

            assertThat(describe(history)).as("generations after compact(%s)", row[0]).isEqualTo(normalize(row[1]));
            assertThat(available).as("available after compact(%s)", row[0]).isEqualTo(revisions(row[2]));
            assertCreatedAndVersionAsBeforeCompaction(history);
        }
    }

    /**
     * Compaction drops the revisions a life began with but not its create revision or version. In etcd's test
     * history every life has 3 changes; each is named here by its tombstone.
     */
    private static void assertCreatedAndVersionAsBeforeCompaction(KeyHistory history) {
        for (Generation generation : history.generations()) {
            if (generation.isEmpty()) {
                continue;
            }
            long tombstone = generation.last().main();
            assertThat(generation.created()).as("created of the life ending at %d", tombstone)
                    .isEqualTo(rev(CREATED_BY_TOMBSTONE.get(tombstone)));
            assertThat(generation.version()).as("version of the life ending at %d", tombstone).isEqualTo(3);
        }
    }

    @ParameterizedTest(name = "compact({0})")
    @CsvSource(delimiter = ';', value = {
            "1; 2 4 6 | 8 10 12 | 14 15.1 16 |; ''",
            "3; 2 4 6 | 8 10 12 | 14 15.1 16 |; 2",
            "5; 4 6 | 8 10 12 | 14 15.1 16 |; 4",
            "6; 6 | 8 10 12 | 14 15.1 16 |; 6",
            "7; 8 10 12 | 14 15.1 16 |; ''",
            "11; 10 12 | 14 15.1 16 |; 10",
            "13; 14 15.1 16 |; ''",
            "15; 15.1 16 |; 15.1",
            "16; 16 |; 16",
            "17; ''; ''",
    })
    void compactingOnceFollowsEtcdTable(long atMain, String generations, String available) {
        KeyHistory history = etcdTestHistory();
        Set<Revision> kept = new HashSet<>();

        history.compact(atMain, kept);

        assertThat(describe(history)).isEqualTo(normalize(generations));
        assertThat(kept).isEqualTo(revisions(available));
    }

    @Test
    void keepReportsWhatCompactKeepsExceptATombstoneAtTheCompactionRevision() {
        for (String[] row : ETCD_TABLE) {
            long atMain = Long.parseLong(row[0]);
            KeyHistory history = etcdTestHistory();
            String before = describe(history);
            Set<Revision> kept = new HashSet<>();

            history.keep(atMain, kept);

            assertThat(describe(history)).as("keep(%d) changes nothing", atMain).isEqualTo(before);
            Set<Revision> expected = revisions(row[2]);
            expected.removeIf(revision -> revision.main() == 6 || revision.main() == 12 || revision.main() == 16);
            assertThat(kept).as("keep(%d)", atMain).isEqualTo(expected);
        }
    }

    @Test
    void tombstoneBelowTheCompactionRevisionRemovesItsGeneration() {
        KeyHistory history = etcdTestHistory();
        Set<Revision> available = new HashSet<>();

        history.compact(7, available);

        assertThat(describe(history)).isEqualTo(normalize("8 10 12 | 14 15.1 16 |"));
        assertThat(available).as("nothing of the first life is needed at or after 7").isEmpty();
        assertThat(history.at(7)).isNull();
    }

    @Test
    void tombstoneAtTheCompactionRevisionStaysUntilALaterCompaction() {
        KeyHistory history = new KeyHistory();
        history.put(rev(2));
        history.put(rev(4));
        history.tombstone(rev(6));
        Set<Revision> kept = new HashSet<>();
        history.keep(6, kept);
        Set<Revision> available = new HashSet<>();

        history.compact(6, available);

        assertThat(describe(history)).as("a watcher from 6 still needs the delete").isEqualTo(normalize("6 |"));
        assertThat(available).containsExactly(rev(6));
        assertThat(kept).as("keep leaves the tombstone out, as etcd's hash does").isEmpty();
        assertThat(history.at(6)).isNull();
        assertThat(history.isEmpty()).isFalse();

        history.compact(7, new HashSet<>());

        assertThat(describe(history)).isEqualTo(normalize(""));
        assertThat(history.isEmpty()).isTrue();
    }

    @Test
    void putInTheLastGenerationIsKept() {
        // etcd's TestKeyIndexCompactOnFurtherRev: the current life has nothing newer, so its newest put stays.
        KeyHistory history = new KeyHistory();
        history.put(rev(1));
        history.put(rev(2));
        Set<Revision> available = new HashSet<>();

        history.compact(3, available);

        assertThat(describe(history)).isEqualTo(normalize("2"));
        assertThat(available).containsExactly(rev(2));
        assertThat(history.at(3)).isEqualTo(new KeyHistory.Snapshot(rev(2), 1, 2));
    }

    @Test
    void createRevisionAndVersionSurviveDroppingTheRevisionsTheyCameFrom() {
        KeyHistory history = new KeyHistory();
        history.put(rev(2));
        history.put(rev(4));
        history.put(rev(6));
        history.put(rev(8));

        history.compact(7, new HashSet<>());

        Generation only = history.generations().get(0);
        assertThat(only.revisions()).containsExactly(rev(6), rev(8));
        assertThat(only.created()).isEqualTo(rev(2));
        assertThat(only.version()).isEqualTo(4);
        assertThat(history.at(7)).isEqualTo(new KeyHistory.Snapshot(rev(6), 2, 3));
        assertThat(history.at(8)).isEqualTo(new KeyHistory.Snapshot(rev(8), 2, 4));
    }

    @Test
    void availableHoldsOnlyTheNewestRevisionAtOrBelowTheCompactionRevision() {
        KeyHistory history = etcdTestHistory();
        Set<Revision> available = new HashSet<>();

        history.compact(15, available);

        assertThat(available).as("not 14, which 15.1 replaced; not 16, which is newer than 15")
                .containsExactly(new Revision(15, 1));
    }

    @Test
    void availableIsAddedToAndNeverCleared() {
        // The store passes one set to every key; a key must not lose what another put there.
        Set<Revision> available = new HashSet<>(Set.of(rev(1)));

        etcdTestHistory().compact(9, available);

        assertThat(available).containsExactlyInAnyOrder(rev(1), rev(8));
    }

    @Test
    void isEmptyAfterCompactingADeletedKeyPastItsTombstone() {
        KeyHistory history = new KeyHistory();
        history.put(rev(2));
        history.tombstone(rev(3));
        assertThat(history.isEmpty()).isFalse();

        history.compact(4, new HashSet<>());

        assertThat(history.isEmpty()).isTrue();
        assertThat(history.isLive()).isFalse();
        assertThat(history.at(4)).isNull();
    }

    @Test
    void aLiveKeyIsNeverEmptyAfterCompaction() {
        KeyHistory history = etcdTestHistory();
        history.put(rev(20));

        history.compact(100, new HashSet<>());

        assertThat(history.isEmpty()).isFalse();
        assertThat(describe(history)).isEqualTo(normalize("20"));
    }

    @Test
    void aNewHistoryIsEmpty() {
        KeyHistory history = new KeyHistory();

        assertThat(history.isEmpty()).isTrue();
        history.put(rev(2));
        assertThat(history.isEmpty()).isFalse();
    }

    @Test
    void compactingTwiceAtTheSameRevisionChangesNothingMoreAndReportsTheSameRevisions() {
        KeyHistory history = etcdTestHistory();
        Set<Revision> first = new HashSet<>();
        history.compact(10, first);
        String afterFirst = describe(history);
        Set<Revision> second = new HashSet<>();

        history.compact(10, second);

        assertThat(describe(history)).isEqualTo(afterFirst);
        assertThat(second).isEqualTo(first).containsExactly(rev(10));
    }

    @Test
    void compactingAgainAtALaterRevisionContinuesFromTheFirst() {
        KeyHistory history = etcdTestHistory();
        history.compact(5, new HashSet<>());
        Set<Revision> available = new HashSet<>();

        history.compact(15, available);

        assertThat(describe(history)).isEqualTo(normalize("15.1 16 |"));
        assertThat(available).containsExactly(new Revision(15, 1));
    }

    @Test
    void compactionBelowEveryRevisionIsANoOp() {
        KeyHistory history = etcdTestHistory();
        String before = describe(history);
        Set<Revision> available = new HashSet<>();

        history.compact(1, available);

        assertThat(describe(history)).isEqualTo(before);
        assertThat(available).isEmpty();
    }

    @Test
    void readsBelowTheCompactionRevisionDoNotThrow() {
        KeyHistory history = etcdTestHistory();
        history.compact(15, new HashSet<>());

        for (long at = 0; at < 15; at++) {
            long read = at;
            assertThatNoException().as("at(%d)", read).isThrownBy(() -> history.at(read));
        }
    }

    @Test
    void compactingAKeyWithNoHistoryIsABugButKeepIgnoresIt() {
        KeyHistory history = new KeyHistory();
        Set<Revision> available = new HashSet<>();

        history.keep(5, available);

        assertThat(available).isEmpty();
        assertThatThrownBy(() -> history.compact(5, available)).isInstanceOf(IllegalStateException.class);
    }

    // Random histories.

    @Test
    void compactionChangesNoReadAtOrAfterTheCompactionRevision() {
        long seed = Long.getLong("compact.seed", System.nanoTime());
        System.out.println("KeyHistoryCompactionTest seed: " + seed + " (replay with -Dcompact.seed=" + seed + ")");
        Random random = new Random(seed);
        int histories = Integer.getInteger("compact.histories", 3000);
        for (int i = 0; i < histories; i++) {
            List<List<Revision>> lives = randomLives(random);
            try {
                checkCompactions(lives, random);
            } catch (AssertionError e) {
                throw new AssertionError("failed with -Dcompact.seed=" + seed + " on history " + i + " " + lives, e);
            }
        }
    }

    /** Compacts a history two times at random increasing revisions, checking reads, retained set and keep each time. */
    private static void checkCompactions(List<List<Revision>> lives, Random random) {
        KeyHistory history = build(lives);
        long newest = newestMain(lives);
        long atMain = random.nextInt((int) newest + 3);
        for (int round = 0; round < 2 && !history.isEmpty(); round++) {
            checkOneCompaction(history, atMain, newest + 2);
            atMain += random.nextInt(5);
        }
    }

    private static void checkOneCompaction(KeyHistory history, long atMain, long readUpTo) {
        Map<Long, KeyHistory.Snapshot> before = reads(history, atMain, readUpTo);
        List<List<Revision>> lives = lives(history);
        String described = describe(history);
        Set<Revision> kept = new HashSet<>();
        history.keep(atMain, kept);
        assertThat(describe(history)).as("keep(%d) changes nothing", atMain).isEqualTo(described);
        Set<Revision> available = new HashSet<>();

        history.compact(atMain, available);

        assertThat(reads(history, atMain, readUpTo)).as("reads at or after %d of %s", atMain, described)
                .isEqualTo(before);
        assertThat(lives(history)).as("retained after compact(%d) of %s", atMain, described)
                .isEqualTo(expectedRetained(lives, atMain));
        assertThat(available).as("available after compact(%d) of %s", atMain, described)
                .isEqualTo(expectedAvailable(lives, atMain));
        Set<Revision> expectedKept = new HashSet<>(available);
        expectedKept.removeAll(tombstonesAt(lives, atMain));
        assertThat(kept).as("keep(%d) of %s", atMain, described).isEqualTo(expectedKept);
        for (long at = 0; at < atMain; at++) {
            history.at(at); // may be wrong below the compaction revision, but must not throw
        }
    }

    /**
     * What compaction should keep, said per generation rather than the way KeyHistory finds it: a finished life whose
     * tombstone is below atMain goes; any other keeps its revisions above atMain and its newest at or below it.
     */
    private static List<List<Revision>> expectedRetained(List<List<Revision>> lives, long atMain) {
        List<List<Revision>> retained = new ArrayList<>();
        for (int i = 0; i < lives.size(); i++) {
            List<Revision> life = lives.get(i);
            boolean current = i == lives.size() - 1;
            if (!current && life.get(life.size() - 1).main() < atMain) {
                continue;
            }
            Revision newestAtOrBelow = newestAtOrBelow(life, atMain);
            retained.add(life.stream()
                    .filter(revision -> revision.main() > atMain || revision.equals(newestAtOrBelow))
                    .toList());
        }
        return retained;
    }

    private static Set<Revision> expectedAvailable(List<List<Revision>> lives, long atMain) {
        Set<Revision> available = new HashSet<>();
        for (List<Revision> life : expectedRetained(lives, atMain)) {
            life.stream().filter(revision -> revision.main() <= atMain).forEach(available::add);
        }
        return available;
    }

    private static Set<Revision> tombstonesAt(List<List<Revision>> lives, long atMain) {
        Set<Revision> tombstones = new HashSet<>();
        for (List<Revision> life : lives.subList(0, lives.size() - 1)) {
            Revision tombstone = life.get(life.size() - 1);
            if (tombstone.main() == atMain) {
                tombstones.add(tombstone);
            }
        }
        return tombstones;
    }

    private static Revision newestAtOrBelow(List<Revision> life, long atMain) {
        Revision newest = null;
        for (Revision revision : life) {
            if (revision.main() <= atMain) {
                newest = revision;
            }
        }
        return newest;
    }

    /**
     * A random history as lives: each but the last ends with its tombstone, the last may be empty. Mains increase
     * by 1 to 3, as other keys' writes take revisions in between; subs vary, as a key may be any change of its txn.
     */
    private static List<List<Revision>> randomLives(Random random) {
        List<List<Revision>> lives = new ArrayList<>();
        List<Revision> current = new ArrayList<>();
        long main = 1;
        int changes = random.nextInt(25);
        for (int i = 0; i < changes; i++) {
            main += 1 + random.nextInt(3);
            current.add(new Revision(main, random.nextInt(3)));
            if (current.size() > 1 && random.nextInt(4) == 0) {
                lives.add(current);
                current = new ArrayList<>();
            }
        }
        lives.add(current);
        return lives;
    }

    private static KeyHistory build(List<List<Revision>> lives) {
        KeyHistory history = new KeyHistory();
        for (int i = 0; i < lives.size(); i++) {
            List<Revision> life = lives.get(i);
            boolean finished = i < lives.size() - 1;
            for (int j = 0; j < life.size(); j++) {
                if (finished && j == life.size() - 1) {
                    history.tombstone(life.get(j));
                } else {
                    history.put(life.get(j));
                }
            }
        }
        return history;
    }

    private static long newestMain(List<List<Revision>> lives) {
        long newest = 1;
        for (List<Revision> life : lives) {
            for (Revision revision : life) {
                newest = Math.max(newest, revision.main());
            }
        }
        return newest;
    }

    private static Map<Long, KeyHistory.Snapshot> reads(KeyHistory history, long from, long to) {
        Map<Long, KeyHistory.Snapshot> reads = new LinkedHashMap<>();
        // Past the newest change too, so that even a compaction above every revision has reads to compare.
        for (long at = from; at <= Math.max(to, from + 2); at++) {
            reads.put(at, history.at(at));
        }
        return reads;
    }

    // Helpers for writing and reading generations.

    private static KeyHistory etcdTestHistory() {
        KeyHistory history = new KeyHistory();
        history.put(rev(2));
        history.put(rev(4));
        history.tombstone(rev(6));
        history.put(rev(8));
        history.put(rev(10));
        history.tombstone(rev(12));
        history.put(rev(14));
        history.put(new Revision(15, 1));
        history.tombstone(rev(16));
        return history;
    }

    private static Revision rev(long main) {
        return new Revision(main, 0);
    }

    private static List<List<Revision>> lives(KeyHistory history) {
        return history.generations().stream().map(generation -> List.copyOf(generation.revisions())).toList();
    }

    /** The generations in the notation of the expected values. */
    private static String describe(KeyHistory history) {
        List<String> generations = new ArrayList<>();
        for (Generation generation : history.generations()) {
            generations.add(String.join(" ", generation.revisions().stream().map(KeyHistoryCompactionTest::show)
                    .toList()));
        }
        return String.join(" | ", generations).trim();
    }

    private static String show(Revision revision) {
        return revision.sub() == 0 ? Long.toString(revision.main()) : revision.main() + "." + revision.sub();
    }

    private static String normalize(String generations) {
        return String.join(" | ", Arrays.stream(generations.split("\\|", -1)).map(String::trim).toList()).trim();
    }

    private static Set<Revision> revisions(String text) {
        Set<Revision> revisions = new HashSet<>();
        for (String part : text.trim().split("\\s+")) {
            if (part.isEmpty()) {
                continue;
            }
            String[] mainSub = part.split("\\.");
            long sub = mainSub.length > 1 ? Long.parseLong(mainSub[1]) : 0;
            revisions.add(new Revision(Long.parseLong(mainSub[0]), sub));
        }
        return revisions;
    }
}
