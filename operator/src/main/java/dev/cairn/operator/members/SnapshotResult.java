package dev.cairn.operator.members;

import java.util.OptionalLong;

/**
 * What a snapshot stream delivered. The revision is known only when the server sends a header with the stream
 * (etcd 3.5 and later do; 3.4 does not), so a backup's status must cope without it.
 */
public record SnapshotResult(long bytes, OptionalLong revision) {
}
