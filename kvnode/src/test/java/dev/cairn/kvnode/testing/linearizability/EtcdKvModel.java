package dev.cairn.kvnode.testing.linearizability;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * etcd's key-value semantics including its global revision, which every response header carries: the state is the
 * current revision and, per key, its value, mod revision, create revision and version.
 *
 * <ul>
 *   <li>{@code put(key, value)} always makes a new revision; it answers that revision.</li>
 *   <li>{@code get(key)} answers the key's value and mod revision, or absent, and the current revision.</li>
 *   <li>{@code delete(key)} answers how many keys it deleted; deleting a present key makes a new revision, deleting a
 *       missing one changes nothing and answers the current revision.</li>
 *   <li>{@code putIfModRevision(key, r, value)} is the transaction "if mod_revision(key) == r then put": it answers
 *       whether the comparison held and the revision after it; only a success makes a new revision. A missing key
 *       has mod revision 0, as in etcd, so {@code r = 0} means "create if absent".</li>
 * </ul>
 *
 * <p>A response revision must be exactly what the model predicts, which makes the search nearly deterministic, and the
 * model declares its revision to the search ({@link #revision}, {@link #maxRevisionBefore}) so that writes of unknown
 * outcome placed too early are cut off at once. The
 * revision is shared by all keys, so this model is <em>not</em> partitioned: use it over a small key set, as etcd's
 * own robustness tests do.
 *
 * <p>Unknown outcomes: a pending put, delete or transaction is applied when placed (placing it last is the same as
 * "never happened"); a pending get is read-only and dropped by the checker. When every write puts a different value,
 * {@link #simplify} settles the pending writes some get saw: record histories with unique values.
 */
public final class EtcdKvModel implements Model<EtcdKvModel.Store, EtcdKvModel.Request, EtcdKvModel.Reply> {

    /** A key's entry as etcd keeps it. */
    public record KeyValue(String value, long modRevision, long createRevision, long version) {
    }

    /** The whole store: current revision and live keys. The map is immutable so the record is a value. */
    public record Store(long revision, Map<String, KeyValue> keys) {
        public Store {
            keys = Map.copyOf(keys);
        }

        /** A fresh etcd: revision 1, no keys. */
        public static Store empty() {
            return new Store(1, Map.of());
        }
    }

    public sealed interface Request permits Put, Get, Delete, PutIfModRevision {
        String key();
    }

    public record Put(String key, String value) implements Request {
    }

    public record Get(String key) implements Request {
    }

    public record Delete(String key) implements Request {
    }

    /** A transaction: compare {@code mod_revision(key) == expectedModRevision}, then put; no else branch. */
    public record PutIfModRevision(String key, long expectedModRevision, String value) implements Request {
    }

    public sealed interface Reply permits PutReply, GetReply, DeleteReply, TxnReply {
        /** The header revision. */
        long revision();
    }

    public record PutReply(long revision) implements Reply {
    }

    /** What a get saw: the key's value and mod revision if present, and the header revision. */
    public record GetReply(Optional<Found> found, long revision) implements Reply {
    }

    public record Found(String value, long modRevision) {
    }

    public record DeleteReply(long deleted, long revision) implements Reply {
    }

    public record TxnReply(boolean succeeded, long revision) implements Reply {
    }

    private final Store initial;

    /** Starting from a fresh etcd. */
    public EtcdKvModel() {
        this(Store.empty());
    }

    /** Starting from a store with contents, e.g. one a test filled before it began recording. */
    public EtcdKvModel(Store initial) {
        this.initial = initial;
    }

    @Override
    public Store init() {
        return initial;
    }

    @Override
    public List<Store> step(Store store, Request request, Reply reply) {
        if (request instanceof Get get) {
            return stepGet(store, get, expect(GetReply.class, request, reply));
        }
        Store after;
        Reply predicted;
        if (request instanceof Put put) {
            after = withPut(store, put.key(), put.value());
            predicted = new PutReply(after.revision());
        } else if (request instanceof Delete delete) {
            boolean present = store.keys().containsKey(delete.key());
            after = present ? withoutKey(store, delete.key()) : store;
            predicted = new DeleteReply(present ? 1 : 0, after.revision());
        } else {
            PutIfModRevision txn = (PutIfModRevision) request;
            KeyValue current = store.keys().get(txn.key());
            boolean holds = (current == null ? 0 : current.modRevision()) == txn.expectedModRevision();
            after = holds ? withPut(store, txn.key(), txn.value()) : store;
            predicted = new TxnReply(holds, after.revision());
        }
        if (reply == null) {
            return List.of(after);
        }
        expect(predicted.getClass(), request, reply);
        return predicted.equals(reply) ? List.of(after) : List.of();
    }

    private static List<Store> stepGet(Store store, Get get, GetReply reply) {
        if (reply == null) {
            return List.of(store);
        }
        KeyValue current = store.keys().get(get.key());
        Optional<Found> predicted = Optional.ofNullable(current).map(kv -> new Found(kv.value(), kv.modRevision()));
        boolean matches = reply.revision() == store.revision() && reply.found().equals(predicted);
        return matches ? List.of(store) : List.of();
    }

    private static Store withPut(Store store, String key, String value) {
        long revision = store.revision() + 1;
        KeyValue previous = store.keys().get(key);
        KeyValue next = previous == null
                ? new KeyValue(value, revision, revision, 1)
                : new KeyValue(value, revision, previous.createRevision(), previous.version() + 1);
        Map<String, KeyValue> keys = new HashMap<>(store.keys());
        keys.put(key, next);
        return new Store(revision, keys);
    }

    private static Store withoutKey(Store store, String key) {
        Map<String, KeyValue> keys = new HashMap<>(store.keys());
        keys.remove(key);
        return new Store(store.revision() + 1, keys);
    }

    /** A reply of the wrong kind is a bug in the recorder, not a linearizability violation: say so loudly. */
    private static <R extends Reply> R expect(Class<R> kind, Request request, Reply reply) {
        if (reply != null && !kind.isInstance(reply)) {
            throw new IllegalArgumentException(request + " answers a " + kind.getSimpleName() + ", not " + reply);
        }
        return kind.cast(reply);
    }

    /**
     * When no value is written twice (generated and recorded histories arrange that on purpose), a put or transaction
     * of unknown outcome whose value a completed get returned certainly took effect, at the mod revision that get
     * reported, before the earliest such get returned: it becomes an answered one returning then. Unseen ones stay
     * pending, since their revision may still show. With a value written twice nothing is changed.
     */
    @Override
    public List<Operation<Request, Reply>> simplify(List<Operation<Request, Reply>> partition) {
        Set<String> written = new HashSet<>();
        Map<String, Operation<Request, Reply>> firstSeenBy = new HashMap<>();
        for (Operation<Request, Reply> operation : partition) {
            String value = writtenValue(operation.input());
            if (value != null && !written.add(value)) {
                return partition;
            }
            if (operation.output() instanceof GetReply get && get.found().isPresent()) {
                firstSeenBy.merge(get.found().get().value(), operation,
                        (one, other) -> one.returnTime() <= other.returnTime() ? one : other);
            }
        }
        List<Operation<Request, Reply>> simplified = new ArrayList<>(partition.size());
        for (Operation<Request, Reply> operation : partition) {
            String value = operation.isPending() ? writtenValue(operation.input()) : null;
            Operation<Request, Reply> seenBy = value == null ? null : firstSeenBy.get(value);
            if (seenBy == null || seenBy.returnTime() < operation.callTime()) {
                simplified.add(operation);
                continue;
            }
            long revision = ((GetReply) seenBy.output()).found().orElseThrow().modRevision();
            Reply reply = operation.input() instanceof Put ? new PutReply(revision) : new TxnReply(true, revision);
            simplified.add(new Operation<>(operation.clientId(), operation.input(), operation.callTime(), reply,
                    seenBy.returnTime()));
        }
        return simplified;
    }

    private static String writtenValue(Request request) {
        if (request instanceof Put put) {
            return put.value();
        }
        return request instanceof PutIfModRevision txn ? txn.value() : null;
    }

    @Override
    public long revision(Store store) {
        return store.revision();
    }

    /**
     * A reply names the revision after the operation; one that made a new revision was applied at the revision just
     * before. This lets the search drop a write of unknown outcome placed too early as soon as the revisions tell.
     */
    @Override
    public long maxRevisionBefore(Request request, Reply reply) {
        boolean wrote = reply instanceof PutReply
                || reply instanceof DeleteReply delete && delete.deleted() > 0
                || reply instanceof TxnReply txn && txn.succeeded();
        return wrote ? reply.revision() - 1 : reply.revision();
    }

    @Override
    public boolean isReadOnly(Request request) {
        return request instanceof Get;
    }

    @Override
    public String describeOperation(Request request, Reply reply) {
        String asked;
        if (request instanceof Put put) {
            asked = "put(" + put.key() + ", \"" + put.value() + "\")";
        } else if (request instanceof Get get) {
            asked = "get(" + get.key() + ")";
        } else if (request instanceof Delete delete) {
            asked = "delete(" + delete.key() + ")";
        } else {
            PutIfModRevision txn = (PutIfModRevision) request;
            asked = "txn(if mod(" + txn.key() + ") == " + txn.expectedModRevision() + " then put(" + txn.key()
                    + ", \"" + txn.value() + "\"))";
        }
        return asked + " -> " + (reply == null ? "unknown outcome" : describeReply(reply));
    }

    private static String describeReply(Reply reply) {
        if (reply instanceof GetReply get) {
            String found = get.found().map(f -> "\"" + f.value() + "\" mod " + f.modRevision()).orElse("absent");
            return found + ", rev " + get.revision();
        }
        if (reply instanceof DeleteReply delete) {
            return "deleted " + delete.deleted() + ", rev " + delete.revision();
        }
        if (reply instanceof TxnReply txn) {
            return (txn.succeeded() ? "succeeded" : "failed") + ", rev " + txn.revision();
        }
        return "rev " + reply.revision();
    }

    @Override
    public String describeState(Store store) {
        StringBuilder text = new StringBuilder("rev ").append(store.revision()).append(" {");
        String separator = "";
        for (Map.Entry<String, KeyValue> entry : new TreeMap<>(store.keys()).entrySet()) {
            KeyValue kv = entry.getValue();
            text.append(separator).append(entry.getKey()).append("=\"").append(kv.value()).append("\" (mod ")
                    .append(kv.modRevision()).append(", create ").append(kv.createRevision()).append(", version ")
                    .append(kv.version()).append(')');
            separator = ", ";
        }
        return text.append('}').toString();
    }
}
