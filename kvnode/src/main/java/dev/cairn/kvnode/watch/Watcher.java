package dev.cairn.kvnode.watch;

import dev.cairn.kvnode.mvcc.KeyRange;
import dev.cairn.kvnode.proto.mvccpb.Event;
import java.util.List;

/**
 * One watch: which keys, which kinds of event, and how far it has got. Its mutable state belongs to the
 * {@link WatchableStore} and is only touched under the store's lock.
 */
final class Watcher {
    /** Where a watcher is: exactly one of the store's groups, or gone. */
    enum State {
        /** Caught up: gets each revision's events as they are published. */
        SYNCED,
        /** Behind: the syncer catches it up from history. */
        UNSYNCED,
        /** Its stream was full: holds events it could not be given, and waits for room. */
        VICTIM,
        /** Canceled by its client, by compaction, or with its stream. */
        GONE
    }

    final long id;
    final WatchStream stream;
    final KeyRange range;
    final boolean noPut;
    final boolean noDelete;
    final boolean prevKv;
    final boolean progressNotify;
    final boolean fragment;

    /** Every event below this revision was given to the stream (or is held as victim events); never decreases. */
    long minRevision;
    /**
     * The start revision the client asked for: no progress response may carry a revision below it, or a client that
     * resumed at a future revision on a lagging member would take it for "you have everything up to there" (W-6).
     * 0 ("from now") sets no bound, as in etcd.
     */
    final long startRevision;
    State state = State.UNSYNCED;
    /** The events a full stream refused, with the header revision they were to carry: given first when room frees. */
    List<Event> victimEvents = List.of();
    long victimRevision;

    Watcher(long id, WatchStream stream, KeyRange range, WatchSpec spec) {
        this.id = id;
        this.stream = stream;
        this.range = range;
        this.noPut = spec.noPut();
        this.noDelete = spec.noDelete();
        this.prevKv = spec.prevKv();
        this.progressNotify = spec.progressNotify();
        this.fragment = spec.fragment();
        this.startRevision = spec.startRevision();
    }

    /** Whether this watcher is given {@code event}: in its range, at or after its next revision, not filtered out. */
    boolean wants(Event event) {
        if (event.getKv().getModRevision() < minRevision || !range.contains(event.getKv().getKey())) {
            return false;
        }
        return event.getType() == Event.EventType.PUT ? !noPut : !noDelete;
    }

    @Override
    public String toString() {
        return "watcher " + id + " [" + range.key().toStringUtf8() + ", " + range.end().toStringUtf8() + ") from "
                + minRevision + " " + state;
    }
}
