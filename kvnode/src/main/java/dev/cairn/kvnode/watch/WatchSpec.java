package dev.cairn.kvnode.watch;

import com.google.protobuf.ByteString;

/**
 * What a client asks to watch, as etcd's WatchCreateRequest says it.
 *
 * @param key the first key; etcd watches the key "\0" when it is empty
 * @param rangeEnd empty for the one key, "\0" for every key from {@code key} on, else the end of [key, end)
 * @param startRevision the first revision to deliver; 0 (or less) means the revision after the current one
 * @param watchId the id the client chose, or 0 for one chosen by the stream
 * @param fragment whether a large response may be split over several messages
 */
public record WatchSpec(ByteString key, ByteString rangeEnd, long startRevision, boolean noPut, boolean noDelete,
        boolean prevKv, boolean progressNotify, boolean fragment, long watchId) {

    /** A watch of {@code key} to {@code rangeEnd} from {@code startRevision} with every other option off. */
    public static WatchSpec of(ByteString key, ByteString rangeEnd, long startRevision) {
        return new WatchSpec(key, rangeEnd, startRevision, false, false, false, false, false, 0);
    }
}
