package dev.cairn.e2e;

import dev.cairn.kvnode.proto.mvccpb.KeyValue;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What a kill -9 soak knows about its writes, and the check of a store against it.
 *
 * <p>Invariants checked by {@link #check}, for a store that only this soak writes to, where every write is a put of a
 * fresh key:
 * <ol>
 *   <li>every acknowledged put is there, with its value, created at the revision its response named — and every key
 *   an earlier check saw stays there, unchanged (nothing once visible is lost);</li>
 *   <li>every key has version 1 and was never modified: a put applied twice would show version 2;</li>
 *   <li>nothing is there that was never written: each key is an acknowledged put or one that was in doubt at a
 *   kill, with the value that put carried;</li>
 *   <li>the create revisions, sorted, are exactly 2, 3, ..., header revision: every revision is one put, none
 *   missing and none used twice;</li>
 *   <li>the header revision is at least the highest acknowledged one.</li>
 * </ol>
 * A put in doubt may be there or not; once a check has seen it, it counts as settled like an acknowledged one.
 */
final class SoakLedger {
    /** A write the store must keep: acknowledged, or in doubt and then seen by a check. */
    private record Settled(String value, long revision, String how) {
    }

    private static final int MAX_REPORTED = 25;

    private final Map<String, Settled> settled = new HashMap<>();
    private final Map<String, SoakWriteLoad.InDoubt> inDoubt = new HashMap<>();
    /** In-doubt keys a check found missing; should one show up later, that is worth a note (not an error). */
    private final Set<String> seenMissing = new HashSet<>();
    private final List<String> notes = new ArrayList<>();
    private long highestAck;
    private long acknowledged;
    private long inDoubtTotal;
    private long inDoubtLanded;

    /** Takes in what a load did: its acknowledged puts and those left in doubt. */
    void record(SoakWriteLoad load) {
        record(load.acks(), load.inDoubt());
    }

    void record(List<SoakWriteLoad.Ack> acks, List<SoakWriteLoad.InDoubt> inDoubtPuts) {
        for (SoakWriteLoad.Ack ack : acks) {
            settled.put(ack.key(), new Settled(ack.value(), ack.revision(), "acknowledged"));
            highestAck = Math.max(highestAck, ack.revision());
            acknowledged++;
        }
        for (SoakWriteLoad.InDoubt doubt : inDoubtPuts) {
            inDoubt.put(doubt.key(), doubt);
            inDoubtTotal++;
        }
    }

    /**
     * Checks {@code snapshot} against everything recorded so far and returns what is wrong (empty when all holds);
     * in-doubt puts found in it become settled.
     */
    List<String> check(PrefixSnapshot snapshot) {
        List<String> problems = new ArrayList<>();
        Map<String, KeyValue> found = new HashMap<>();
        TreeMap<Long, String> byCreateRevision = new TreeMap<>();
        for (KeyValue kv : snapshot.kvs()) {
            String key = kv.getKey().toString(StandardCharsets.UTF_8);
            found.put(key, kv);
            String other = byCreateRevision.put(kv.getCreateRevision(), key);
            if (other != null) {
                problems.add("revision " + kv.getCreateRevision() + " created two keys: " + other + " and " + key);
            }
            if (kv.getVersion() != 1 || kv.getModRevision() != kv.getCreateRevision()) {
                problems.add("applied more than once: " + describe(key, kv));
            }
        }

        for (Map.Entry<String, Settled> entry : settled.entrySet()) {
            String key = entry.getKey();
            Settled expected = entry.getValue();
            KeyValue kv = found.get(key);
            if (kv == null) {
                problems.add("lost " + expected.how() + " write " + key + " (revision " + expected.revision() + ")");
            } else if (!kv.getValue().toString(StandardCharsets.UTF_8).equals(expected.value())
                    || kv.getCreateRevision() != expected.revision()) {
                problems.add(expected.how() + " write changed: expected " + key + "=" + expected.value()
                        + " at revision " + expected.revision() + ", found " + describe(key, kv));
            }
        }

        for (Map.Entry<String, KeyValue> entry : found.entrySet()) {
            String key = entry.getKey();
            if (settled.containsKey(key)) {
                continue;
            }
            SoakWriteLoad.InDoubt doubt = inDoubt.get(key);
            KeyValue kv = entry.getValue();
            if (doubt == null) {
                problems.add("never written, yet there: " + describe(key, kv));
            } else if (!kv.getValue().toString(StandardCharsets.UTF_8).equals(doubt.value())) {
                problems.add("in-doubt write has a value it was never given: " + describe(key, kv));
            }
        }

        long expectedCount = Math.max(0, snapshot.revision() - 1);
        if (byCreateRevision.size() != expectedCount
                || (!byCreateRevision.isEmpty() && (byCreateRevision.firstKey() != 2
                        || byCreateRevision.lastKey() != snapshot.revision()))) {
            problems.add("create revisions are not exactly 2.." + snapshot.revision() + ": " + byCreateRevision.size()
                    + " distinct, from " + (byCreateRevision.isEmpty() ? "-" : byCreateRevision.firstKey()) + " to "
                    + (byCreateRevision.isEmpty() ? "-" : byCreateRevision.lastKey()) + "; missing "
                    + missingRevisions(byCreateRevision, snapshot.revision()));
        }
        if (snapshot.revision() < highestAck) {
            problems.add("header revision " + snapshot.revision() + " is below the highest acknowledged revision "
                    + highestAck);
        }

        if (problems.isEmpty()) {
            settleInDoubt(found);
        }
        if (problems.size() > MAX_REPORTED) {
            int more = problems.size() - MAX_REPORTED;
            problems = new ArrayList<>(problems.subList(0, MAX_REPORTED));
            problems.add("... and " + more + " more");
        }
        return problems;
    }

    private void settleInDoubt(Map<String, KeyValue> found) {
        for (var it = inDoubt.entrySet().iterator(); it.hasNext(); ) {
            var entry = it.next();
            KeyValue kv = found.get(entry.getKey());
            if (kv == null) {
                seenMissing.add(entry.getKey());
                continue;
            }
            if (seenMissing.remove(entry.getKey())) {
                notes.add("in-doubt write " + entry.getKey() + " was missing at an earlier check and appeared later,"
                        + " at revision " + kv.getCreateRevision());
            }
            settled.put(entry.getKey(), new Settled(entry.getValue().value(), kv.getCreateRevision(),
                    "in-doubt-then-seen"));
            inDoubtLanded++;
            it.remove();
        }
    }

    private static String missingRevisions(TreeMap<Long, String> byCreateRevision, long header) {
        List<Long> missing = new ArrayList<>();
        for (long r = 2; r <= header && missing.size() < 10; r++) {
            if (!byCreateRevision.containsKey(r)) {
                missing.add(r);
            }
        }
        List<Long> beyond = new ArrayList<>(byCreateRevision.tailMap(header, false).keySet());
        return missing + (beyond.isEmpty() ? "" : ", beyond the header: " + beyond.subList(0,
                Math.min(10, beyond.size())));
    }

    private static String describe(String key, KeyValue kv) {
        return key + "=" + kv.getValue().toString(StandardCharsets.UTF_8) + " (create " + kv.getCreateRevision()
                + ", mod " + kv.getModRevision() + ", version " + kv.getVersion() + ")";
    }

    long highestAck() {
        return highestAck;
    }

    List<String> notes() {
        return List.copyOf(notes);
    }

    String summary() {
        return acknowledged + " acknowledged puts, " + inDoubtTotal + " in doubt at a kill (" + inDoubtLanded
                + " of them landed, " + inDoubt.size() + " did not)";
    }
}
