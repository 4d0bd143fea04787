package dev.cairn.kvnode.watch;

import dev.cairn.kvnode.proto.mvccpb.Event;
import java.util.List;

/**
 * One response a watch stream sends, before the wire adapter gives it a header: events for a watch, the answer to a
 * create or cancel, a compaction cancel, or a progress notification.
 *
 * @param revision the header revision etcd puts on this response (0 on a compaction cancel, as etcd leaves it)
 * @param fragment whether the watch accepts this response split over several messages
 */
public record WatchUpdate(long watchId, long revision, List<Event> events, boolean created, boolean canceled,
        long compactRevision, String cancelReason, boolean fragment) {
    /** The watch id of a response that belongs to no watch: a progress notification for the whole stream. */
    public static final long NO_WATCH = -1;

    public WatchUpdate {
        events = List.copyOf(events);
    }

    static WatchUpdate created(long watchId, long revision) {
        return new WatchUpdate(watchId, revision, List.of(), true, false, 0, "", false);
    }

    static WatchUpdate refused(long revision, String reason) {
        return new WatchUpdate(NO_WATCH, revision, List.of(), true, true, 0, reason, false);
    }

    static WatchUpdate canceled(long watchId, long revision) {
        return new WatchUpdate(watchId, revision, List.of(), false, true, 0, "", false);
    }

    static WatchUpdate compacted(long watchId, long compactRevision) {
        return new WatchUpdate(watchId, 0, List.of(), false, true, compactRevision, "", false);
    }

    static WatchUpdate progress(long watchId, long revision) {
        return new WatchUpdate(watchId, revision, List.of(), false, false, 0, "", false);
    }

    static WatchUpdate events(long watchId, long revision, List<Event> events, boolean fragment) {
        return new WatchUpdate(watchId, revision, events, false, false, 0, "", fragment);
    }
}
