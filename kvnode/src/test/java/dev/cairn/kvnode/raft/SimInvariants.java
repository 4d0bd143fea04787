package dev.cairn.kvnode.raft;

import dev.cairn.kvnode.raft.pb.Entry;
import dev.cairn.kvnode.raft.pb.HardState;
import dev.cairn.kvnode.raft.pb.StateRole;
import dev.cairn.kvnode.raft.tracker.Progress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The safety properties checked after every step of a simulation (Raft paper Figure 3, and section D of
 * raft-scenarios.md): election safety, log matching, leader completeness, state machine safety, durable votes,
 * and next > match on every leader.
 */
final class SimInvariants {
    private final List<String> violations = new ArrayList<>();
    /** term -> the node that led it. */
    private final Map<Long, Long> leaderOfTerm = new HashMap<>();
    /** "index:term" -> the entry, as first seen in any durable log. */
    private final Map<String, Entry> entryAt = new HashMap<>();
    /** "index:term" -> the term of the entry before it, as first seen. */
    private final Map<String, Long> previousTermAt = new HashMap<>();
    /** index -> the entry applied there (applied means committed). */
    private final Map<Long, Entry> applied = new HashMap<>();
    /** "node:term" -> the durable vote. */
    private final Map<String, Long> votes = new HashMap<>();
    /** "node:term" pairs whose leader completeness was checked. */
    private final Set<String> leadersChecked = new HashSet<>();

    List<String> violations() {
        return violations;
    }

    void fail(String message) {
        violations.add(message);
    }

    /** After a node persisted a Ready: durable votes, and log matching over the entries it holds. */
    void checkPersisted(SimNode node, List<Entry> appended) {
        HardState hard = node.storage.hardState();
        if (hard.vote() != 0) {
            Long earlier = votes.putIfAbsent(node.id + ":" + hard.term(), hard.vote());
            if (earlier != null && earlier != hard.vote()) {
                fail("node " + node.id + " voted for " + earlier + " and then " + hard.vote() + " in term "
                        + hard.term());
            }
        }
        for (Entry entry : appended) {
            String key = entry.index() + ":" + entry.term();
            Entry seen = entryAt.putIfAbsent(key, entry);
            if (seen != null && !seen.equals(entry)) {
                fail("log matching: two different entries at index " + entry.index() + " term " + entry.term()
                        + ": " + seen + " and " + entry + " (on node " + node.id + ")");
            }
            long previousTerm;
            try {
                previousTerm = node.storage.term(entry.index() - 1);
            } catch (Storage.CompactedException | Storage.UnavailableException e) {
                continue;
            }
            Long seenPrevious = previousTermAt.putIfAbsent(key, previousTerm);
            if (seenPrevious != null && seenPrevious != previousTerm) {
                fail("log matching: entry " + key + " follows term " + seenPrevious + " in one log and term "
                        + previousTerm + " in node " + node.id + "'s");
            }
        }
    }

    /** A node applied an entry: every node applies the same entry at each index. */
    void checkApplied(SimNode node, Entry entry) {
        Entry earlier = applied.putIfAbsent(entry.index(), entry);
        if (earlier != null && !earlier.equals(entry)) {
            fail("state machine safety: node " + node.id + " applied " + entry + " at index " + entry.index()
                    + " where another node applied " + earlier);
        }
    }

    /** After a node handled its Readys: at most one leader per term, leader completeness, next > match. */
    void checkLeader(SimNode node) {
        Raft raft = node.node.raft();
        if (raft.state != StateRole.LEADER) {
            return;
        }
        Long leader = leaderOfTerm.putIfAbsent(raft.term, node.id);
        if (leader != null && leader != node.id) {
            fail("election safety: nodes " + leader + " and " + node.id + " both led term " + raft.term);
        }
        raft.tracker.visit((peer, progress) -> checkProgress(node, peer, progress));
        if (!leadersChecked.add(node.id + ":" + raft.term)) {
            return;
        }
        for (Map.Entry<Long, Entry> committed : applied.entrySet()) {
            long index = committed.getKey();
            if (index < raft.log.firstIndex()) {
                continue;
            }
            long term = raft.log.termOrZero(index);
            if (term != committed.getValue().term()) {
                fail("leader completeness: node " + node.id + " leads term " + raft.term + " without committed "
                        + committed.getValue() + " (its log has term " + term + " there)");
            }
        }
    }

    private void checkProgress(SimNode node, long peer, Progress progress) {
        if (progress.next() <= progress.match()) {
            fail("leader " + node.id + " tracks " + peer + " with next " + progress.next() + " <= match "
                    + progress.match());
        }
    }

    long highestApplied() {
        return applied.keySet().stream().mapToLong(Long::longValue).max().orElse(0);
    }

    Map<Long, Entry> appliedEntries() {
        return applied;
    }
}
