/**
 * etcd's watch, after its {@code watchable_store.go}, {@code watcher_group.go} and {@code watcher.go}: clients watch
 * a key, a range or every key from one on, from a start revision, and are given every change in it — in revision
 * order, each change once, a revision's changes together — until they cancel.
 *
 * <p>How events flow: {@link dev.cairn.kvnode.mvcc.MvccStore} publishes each committed transaction's changes to its
 * {@link dev.cairn.kvnode.mvcc.CommitListener} on the apply thread, once they are visible; the
 * {@link dev.cairn.kvnode.watch.WatchableStore} hands them to its synced watchers by appending to their streams'
 * bounded queues (never blocking the apply thread); a background syncer catches unsynced watchers up from history
 * and retries victims; each client stream ({@link dev.cairn.kvnode.watch.WatchStream}) is drained by the wire adapter
 * ({@code api.WatchService}) only as fast as the client reads.
 *
 * <p>Semantics kept from etcd, with the scenario of {@code raft-scenarios.md} each one answers:
 * <ul>
 * <li>start revision 0 means the revision after the current one, read when the watch is created (W-8); a start in
 * the future waits for that revision and delivers nothing before it (W-6);</li>
 * <li>a start below the compacted revision cancels the watch with {@code compact_revision}; a start at exactly the
 * compacted revision is served, including a delete at that revision, whose tombstone compaction keeps (W-4, W-5);</li>
 * <li>a slow client never loses events: its watchers become victims and are caught up from what they held and from
 * history; only compaction of what they still need ends them, with the compaction cancel (W-2);</li>
 * <li>a progress response at revision R is queued behind every event up to R, and waits while any watcher of the
 * stream is behind (etcd 3.5's rule, W-3);</li>
 * <li>after a restore from a snapshot image every watcher is caught up from the restored history and never goes back
 * in time ({@link dev.cairn.kvnode.watch.WatchableStore#restored}, W-1, W-7).</li>
 * </ul>
 *
 * <p>Depends on {@code mvcc} only (and on Micrometer for etcd's watch gauges).
 */
package dev.cairn.kvnode.watch;
