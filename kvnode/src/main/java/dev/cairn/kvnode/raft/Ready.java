package dev.cairn.kvnode.raft;

import dev.cairn.kvnode.raft.pb.Entry;
import dev.cairn.kvnode.raft.pb.HardState;
import dev.cairn.kvnode.raft.pb.Message;
import dev.cairn.kvnode.raft.pb.Snapshot;
import dev.cairn.kvnode.raft.pb.SoftState;
import java.util.List;

/**
 * Everything Raft needs the application to do, in this order:
 * <ol>
 * <li>persist {@code snapshot} (if any), then {@code entries} and {@code hardState} (if not null), with one fsync
 * when {@code mustSync};</li>
 * <li>send {@code messages} — only now, since they may acknowledge or vote on what step 1 persisted;</li>
 * <li>apply {@code committedEntries} (handing each membership change back through
 * {@link RawNode#applyConfChange}), and serve reads of {@code readStates} once their index is applied;</li>
 * <li>call {@link RawNode#advance(Ready)}.</li>
 * </ol>
 *
 * @param softState the new soft state, or null when unchanged
 * @param hardState the new hard state, or null when unchanged
 */
public record Ready(SoftState softState, HardState hardState, List<ReadState> readStates, List<Entry> entries,
        Snapshot snapshot, List<Entry> committedEntries, List<Message> messages, boolean mustSync) {

    public Ready {
        readStates = List.copyOf(readStates);
        entries = List.copyOf(entries);
        committedEntries = List.copyOf(committedEntries);
        messages = List.copyOf(messages);
    }

    public boolean hasSnapshot() {
        return snapshot != null && !snapshot.isEmpty();
    }
}
