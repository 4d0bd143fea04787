package dev.cairn.kvnode.mvcc;

import dev.cairn.kvnode.proto.mvccpb.Event;
import java.util.List;

/**
 * Sees the changes of every committed write transaction, as etcd's watchable store sees them: called on the thread
 * that applied the transaction, once its revision is visible to readers and before the next transaction begins, so
 * revisions arrive one at a time and in order. It runs on the apply path and must never block.
 */
@FunctionalInterface
public interface CommitListener {
    CommitListener NONE = (revision, events) -> {
    };

    /**
     * @param events the transaction's changes in the order it made them: a PUT with the key's new KeyValue, or a
     *     DELETE whose KeyValue holds the key and the deleting revision only
     */
    void committed(long revision, List<Event> events);
}
