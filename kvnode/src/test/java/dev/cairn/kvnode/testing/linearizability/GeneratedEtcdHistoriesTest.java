package dev.cairn.kvnode.testing.linearizability;

import dev.cairn.kvnode.testing.linearizability.EtcdKvModel.DeleteReply;
import dev.cairn.kvnode.testing.linearizability.EtcdKvModel.Found;
import dev.cairn.kvnode.testing.linearizability.EtcdKvModel.Get;
import dev.cairn.kvnode.testing.linearizability.EtcdKvModel.GetReply;
import dev.cairn.kvnode.testing.linearizability.EtcdKvModel.Put;
import dev.cairn.kvnode.testing.linearizability.EtcdKvModel.PutIfModRevision;
import dev.cairn.kvnode.testing.linearizability.EtcdKvModel.Reply;
import dev.cairn.kvnode.testing.linearizability.EtcdKvModel.Request;
import dev.cairn.kvnode.testing.linearizability.EtcdKvModel.TxnReply;
import java.util.Optional;

/**
 * etcd histories recorded against an independent sequential etcd store (linearizable by construction), and the same
 * with one get made to answer an old value at its old revision (illegal by construction). Replay one seed with
 * {@code -Dlin.seed=N}.
 */
class GeneratedEtcdHistoriesTest extends GeneratedHistoriesContract<EtcdKvModel.Store, Request, Reply> {
    @Override
    Model<EtcdKvModel.Store, Request, Reply> model() {
        return new EtcdKvModel();
    }

    @Override
    HistoryGenerator.SequentialStore<Request, Reply> referenceStore(int keys) {
        return new ReferenceEtcdStore(keys);
    }

    @Override
    StaleReadMutation.Reading<Request, Reply> reading() {
        return new EtcdReading();
    }

    /** etcd operations as {@link StaleReadMutation} needs to see them. */
    static final class EtcdReading implements StaleReadMutation.Reading<Request, Reply> {
        @Override
        public String key(Request input) {
            return input.key();
        }

        @Override
        public boolean isRead(Operation<Request, Reply> operation) {
            return !operation.isPending() && operation.input() instanceof Get;
        }

        @Override
        public boolean overwrites(Operation<Request, Reply> operation) {
            if (operation.isPending() || operation.input() instanceof Get) {
                return false;
            }
            if (operation.output() instanceof DeleteReply delete) {
                return delete.deleted() > 0;
            }
            return !(operation.output() instanceof TxnReply txn) || txn.succeeded();
        }

        @Override
        public boolean setsValue(Operation<Request, Reply> operation) {
            if (operation.isPending()) {
                return false;
            }
            return operation.input() instanceof Put
                    || operation.input() instanceof PutIfModRevision && ((TxnReply) operation.output()).succeeded();
        }

        /** The old value at its old revision, as a lagging replica serving the read locally would answer. */
        @Override
        public Reply staleAnswer(Operation<Request, Reply> read, Operation<Request, Reply> write) {
            String value = write.input() instanceof Put put ? put.value() : ((PutIfModRevision) write.input()).value();
            long revision = write.output().revision();
            return new GetReply(Optional.of(new Found(value, revision)), revision);
        }
    }
}
