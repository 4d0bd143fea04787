package dev.cairn.kvnode.mvcc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mapdb.BTreeMap;
import org.mapdb.DB;
import org.mapdb.DBMaker;
import org.mapdb.Serializer;

/**
 * The backend's key serializer, through MapDB's B-tree as the backend uses it (file-mapped, values outside nodes),
 * against a {@link TreeMap}: nodes of four keys so that every put splits or every removal empties nodes often, and a
 * reopen so that every node is read back from the file. Replay a failure with {@code -Drevision.seed=<seed>}.
 */
class RevisionSerializerTest {
    @TempDir
    Path dir;

    @Test
    void aBTreeKeyedByRevisionsReadsAndIteratesAsASortedMapThroughPutsRemovalsAndAReopen() {
        long seed = Long.getLong("revision.seed", System.nanoTime());
        for (int round = 0; round < 10; round++) {
            Random random = new Random(seed + round);
            String context = "seed " + (seed + round);
            Path file = dir.resolve("round-" + round + ".db");
            TreeMap<Revision, byte[]> expected = new TreeMap<>();
            try (DB db = open(file)) {
                BTreeMap<Revision, byte[]> map = tree(db);
                for (int op = 0; op < 600; op++) {
                    Revision revision = new Revision(1 + random.nextInt(150), random.nextInt(4));
                    if (random.nextInt(3) == 0) {
                        assertThat(map.remove(revision)).as(context).isEqualTo(expected.remove(revision));
                    } else {
                        byte[] value = ("v" + op).getBytes(StandardCharsets.UTF_8);
                        assertThat(map.put(revision, value)).as(context).isEqualTo(expected.put(revision, value));
                    }
                }
                assertSame(map, expected, random, context);
            }
            try (DB db = open(file)) {
                assertSame(tree(db), expected, random, context + " after reopening");
            }
        }
    }

    @Test
    void aBulkLoadedTreeHoldsWhatWasLoadedInOrder() {
        Path file = dir.resolve("bulk.db");
        TreeMap<Revision, byte[]> expected = new TreeMap<>();
        for (long main = 1; main <= 500; main++) {
            for (long sub = 0; sub < 1 + main % 3; sub++) {
                expected.put(new Revision(main, sub), ("v" + main + "_" + sub).getBytes(StandardCharsets.UTF_8));
            }
        }
        try (DB db = open(file)) {
            DB.TreeMapSink<Revision, byte[]> sink = db.treeMap("t").keySerializer(RevisionSerializer.INSTANCE)
                    .valueSerializer(Serializer.BYTE_ARRAY).valuesOutsideNodesEnable().maxNodeSize(4)
                    .createFromSink();
            expected.forEach(sink::put);
            assertSame(sink.create(), expected, new Random(1), "bulk load");
        }
    }

    @Test
    void revisionsOrderByMainThenSubIncludingTheBoundsUsedForRanges() {
        RevisionSerializer serializer = RevisionSerializer.INSTANCE;
        Object keys = serializer.valueArrayFromArray(new Object[] {new Revision(1, 0), new Revision(1, 5),
                new Revision(2, 0), new Revision(7, 1)});

        assertThat(serializer.valueArraySearch(keys, new Revision(1, 5))).isEqualTo(1);
        assertThat(serializer.valueArraySearch(keys, new Revision(2, Long.MIN_VALUE))).isEqualTo(-3);
        assertThat(serializer.valueArraySearch(keys, new Revision(2, Long.MAX_VALUE))).isEqualTo(-4);
        assertThat(serializer.valueArraySearch(keys, new Revision(9, 0))).isEqualTo(-5);
        assertThat(serializer.valueArraySearch(keys, new Revision(0, 0))).isEqualTo(-1);
        // MapDB removes the key before the position it passes.
        Object removed = serializer.valueArrayDeleteValue(keys, 2);
        assertThat(serializer.valueArrayToArray(removed)).containsExactly(new Revision(1, 0), new Revision(2, 0),
                new Revision(7, 1));
    }

    private static void assertSame(BTreeMap<Revision, byte[]> map, TreeMap<Revision, byte[]> expected,
            Random random, String context) {
        assertThat(entries(map)).as(context).containsExactlyElementsOf(entries(expected));
        for (int probe = 0; probe < 200; probe++) {
            Revision revision = new Revision(random.nextInt(160), random.nextInt(5));
            assertThat(map.get(revision)).as(context + " get " + revision).isEqualTo(expected.get(revision));
        }
        long from = 1 + random.nextInt(150);
        long to = from + random.nextInt(30);
        Revision low = new Revision(from, Long.MIN_VALUE);
        Revision high = new Revision(to, Long.MAX_VALUE);
        assertThat(entries(map.subMap(low, true, high, true))).as(context + " between " + from + " and " + to)
                .containsExactlyElementsOf(entries(expected.subMap(low, true, high, true)));
        assertThat(entries(map.headMap(high, true))).as(context + " up to " + to)
                .containsExactlyElementsOf(entries(expected.headMap(high, true)));
    }

    private static List<String> entries(Map<Revision, byte[]> map) {
        List<String> entries = new ArrayList<>();
        map.forEach((revision, value) -> entries.add(revision + "=" + new String(value, StandardCharsets.UTF_8)));
        return entries;
    }

    private static DB open(Path file) {
        return DBMaker.fileDB(file.toFile()).fileMmapEnableIfSupported().fileMmapPreclearDisable().cleanerHackEnable()
                .make();
    }

    private static BTreeMap<Revision, byte[]> tree(DB db) {
        return db.treeMap("t").keySerializer(RevisionSerializer.INSTANCE).valueSerializer(Serializer.BYTE_ARRAY)
                .valuesOutsideNodesEnable().maxNodeSize(4).createOrOpen();
    }
}
