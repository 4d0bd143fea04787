package dev.cairn.kvnode.watch;

import java.time.Duration;

/**
 * How watches are served; the defaults are etcd's.
 *
 * @param streamCapacity event responses a stream holds for a client that has not taken them yet; when it is full
 *     its watchers become victims (etcd's chanBufLen, 128)
 * @param syncBatchChanges changes a catch-up round reads from history at most (etcd's watchBatchMaxRevs, 1000)
 * @param maxWatchersPerSync unsynced watchers one catch-up round serves (etcd's maxWatchersPerSync, 512)
 * @param syncInterval how often the syncer looks for work when nothing wakes it (etcd: 100 ms)
 * @param progressInterval how often a watch with progress_notify gets a progress response when nothing else was
 *     sent to it (etcd's progressReportInterval, 10 minutes)
 */
public record WatchOptions(int streamCapacity, int syncBatchChanges, int maxWatchersPerSync, Duration syncInterval,
        Duration progressInterval) {
    public static final WatchOptions DEFAULTS = new WatchOptions(128, 1000, 512, Duration.ofMillis(100),
            Duration.ofMinutes(10));

    public WatchOptions {
        if (streamCapacity < 1 || syncBatchChanges < 1 || maxWatchersPerSync < 1) {
            throw new IllegalArgumentException("watch capacities must be positive: stream=" + streamCapacity
                    + " batch=" + syncBatchChanges + " watchersPerSync=" + maxWatchersPerSync);
        }
    }

    public WatchOptions withStreamCapacity(int value) {
        return new WatchOptions(value, syncBatchChanges, maxWatchersPerSync, syncInterval, progressInterval);
    }

    public WatchOptions withSyncBatchChanges(int value) {
        return new WatchOptions(streamCapacity, value, maxWatchersPerSync, syncInterval, progressInterval);
    }

    public WatchOptions withMaxWatchersPerSync(int value) {
        return new WatchOptions(streamCapacity, syncBatchChanges, value, syncInterval, progressInterval);
    }

    public WatchOptions withProgressInterval(Duration value) {
        return new WatchOptions(streamCapacity, syncBatchChanges, maxWatchersPerSync, syncInterval, value);
    }
}
