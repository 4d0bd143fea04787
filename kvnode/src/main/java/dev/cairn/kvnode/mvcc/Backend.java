package dev.cairn.kvnode.mvcc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.BiConsumer;
import org.mapdb.Atomic;
import org.mapdb.BTreeMap;
import org.mapdb.DB;
import org.mapdb.DBMaker;
import org.mapdb.Serializer;
import org.mapdb.serializer.SerializerArrayTuple;

/**
 * The durable half of the MVCC store, on MapDB: every change to every key, stored under its revision, and the
 * store's current revision, written in one transaction so that a crash leaves either both or neither.
 *
 * <p>File-channel mode, not memory-mapped: with transactions it commits several times faster here.
 */
final class Backend implements AutoCloseable {
    private final Path file;
    private final DB db;
    private final BTreeMap<Object[], byte[]> changes;
    private final Atomic.Long currentRevision;

    private Backend(Path file, DB db) {
        this.file = file;
        this.db = db;
        this.changes = db.treeMap("changes")
                .keySerializer(new SerializerArrayTuple(Serializer.LONG, Serializer.LONG))
                .valueSerializer(Serializer.BYTE_ARRAY)
                .createOrOpen();
        this.currentRevision = db.atomicLong("meta.currentRevision").createOrOpen();
    }

    static Backend open(Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            DB db = DBMaker.fileDB(file.toFile()).fileChannelEnable().transactionEnable().make();
            return new Backend(file, db);
        } catch (IOException | RuntimeException e) {
            throw new BackendException("cannot open backend file=" + file + ": " + e.getMessage(), e);
        }
    }

    void put(Revision revision, byte[] record) {
        changes.put(new Object[] {revision.main(), revision.sub()}, record);
    }

    byte[] get(Revision revision) {
        return changes.get(new Object[] {revision.main(), revision.sub()});
    }

    /** The store's revision as of the last commit; 0 for a new file. */
    long currentRevision() {
        return currentRevision.get();
    }

    /** Makes everything put since the last commit durable, together with the new current revision. */
    void commit(long revision) {
        try {
            currentRevision.set(revision);
            db.commit();
        } catch (RuntimeException e) {
            throw new BackendException("backend commit failed file=" + file + " revision=" + revision, e);
        }
    }

    /** Forgets everything put since the last commit. */
    void rollback() {
        db.rollback();
    }

    /** Visits every stored change in revision order. */
    void forEach(BiConsumer<Revision, byte[]> visitor) {
        for (Map.Entry<Object[], byte[]> entry : changes.entrySet()) {
            Object[] key = entry.getKey();
            visitor.accept(new Revision((Long) key[0], (Long) key[1]), entry.getValue());
        }
    }

    /** Bytes the backend occupies on disk. */
    long sizeBytes() {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }

    @Override
    public void close() {
        db.close();
    }
}
