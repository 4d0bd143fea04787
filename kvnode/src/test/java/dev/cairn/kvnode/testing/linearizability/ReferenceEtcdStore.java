package dev.cairn.kvnode.testing.linearizability;

import dev.cairn.kvnode.testing.linearizability.EtcdKvModel.DeleteReply;
import dev.cairn.kvnode.testing.linearizability.EtcdKvModel.Found;
import dev.cairn.kvnode.testing.linearizability.EtcdKvModel.GetReply;
import dev.cairn.kvnode.testing.linearizability.EtcdKvModel.Put;
import dev.cairn.kvnode.testing.linearizability.EtcdKvModel.PutIfModRevision;
import dev.cairn.kvnode.testing.linearizability.EtcdKvModel.PutReply;
import dev.cairn.kvnode.testing.linearizability.EtcdKvModel.Reply;
import dev.cairn.kvnode.testing.linearizability.EtcdKvModel.Request;
import dev.cairn.kvnode.testing.linearizability.EtcdKvModel.TxnReply;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * An etcd store written imperatively and apart from {@link EtcdKvModel}, the truth generated etcd histories are
 * recorded against; that the model accepts its histories is a check of the model as much as of the checker. Values
 * are never reused.
 */
final class ReferenceEtcdStore implements HistoryGenerator.SequentialStore<Request, Reply> {
    private static final class Entry {
        String value;
        long modRevision;
    }

    private final int keys;
    private final Map<String, Entry> entries = new HashMap<>();
    private long revision = 1;
    private int written;

    ReferenceEtcdStore(int keys) {
        this.keys = keys;
    }

    @Override
    public Request nextInput(Random random) {
        String key = "k" + random.nextInt(keys);
        int roll = random.nextInt(100);
        if (roll < 40) {
            return new EtcdKvModel.Get(key);
        }
        if (roll < 70) {
            return new Put(key, "v" + written++);
        }
        if (roll < 80) {
            return new EtcdKvModel.Delete(key);
        }
        // Mostly the revision the key has right now, as a read-modify-write client would send; it may have moved on
        // by the time the transaction applies, which is where failures come from.
        Entry entry = entries.get(key);
        long current = entry == null ? 0 : entry.modRevision;
        long expected = random.nextInt(10) < 7 ? current : Math.max(0, current - 1 - random.nextInt(3));
        return new PutIfModRevision(key, expected, "v" + written++);
    }

    @Override
    public Reply apply(Request request) {
        if (request instanceof Put put) {
            write(put.key(), put.value());
            return new PutReply(revision);
        }
        if (request instanceof EtcdKvModel.Get get) {
            Entry entry = entries.get(get.key());
            return new GetReply(entry == null ? Optional.empty() : Optional.of(new Found(entry.value,
                    entry.modRevision)), revision);
        }
        if (request instanceof EtcdKvModel.Delete delete) {
            if (entries.remove(delete.key()) == null) {
                return new DeleteReply(0, revision);
            }
            revision++;
            return new DeleteReply(1, revision);
        }
        PutIfModRevision txn = (PutIfModRevision) request;
        Entry entry = entries.get(txn.key());
        if ((entry == null ? 0 : entry.modRevision) != txn.expectedModRevision()) {
            return new TxnReply(false, revision);
        }
        write(txn.key(), txn.value());
        return new TxnReply(true, revision);
    }

    private void write(String key, String value) {
        revision++;
        Entry entry = entries.computeIfAbsent(key, k -> new Entry());
        entry.value = value;
        entry.modRevision = revision;
    }
}
