package dev.cairn.kvnode.mvcc;

import java.io.IOException;
import java.util.Arrays;
import java.util.Comparator;
import org.mapdb.DataInput2;
import org.mapdb.DataOutput2;
import org.mapdb.serializer.GroupSerializer;

/**
 * The backend's B-tree keys: a node's revisions held as one {@code long[]} of (main, sub) pairs, searched in place.
 *
 * <p>MapDB's tuple serializer, used before, kept each key as an {@code Object[]} of two boxed Longs and copied every
 * key of a node into new arrays on each binary search: on a 3-member cluster under 64 writers it made the apply thread
 * allocate about 100 KiB per put (JFR), most of each member's garbage, and young collections of 20-50 ms every second
 * or so. A node's keys are now one array allocated when the node is read, and a search allocates nothing.
 */
final class RevisionSerializer implements GroupSerializer<Revision> {
    static final RevisionSerializer INSTANCE = new RevisionSerializer();

    private RevisionSerializer() {
    }

    @Override
    public void serialize(DataOutput2 out, Revision revision) throws IOException {
        out.writeLong(revision.main());
        out.writeLong(revision.sub());
    }

    @Override
    public Revision deserialize(DataInput2 in, int available) throws IOException {
        return new Revision(in.readLong(), in.readLong());
    }

    @Override
    public int fixedSize() {
        return 2 * Long.BYTES;
    }

    @Override
    public boolean isTrusted() {
        return true;
    }

    @Override
    public int compare(Revision first, Revision second) {
        return first.compareTo(second);
    }

    @Override
    public int valueArraySearch(Object keys, Revision key) {
        long[] pairs = (long[]) keys;
        int low = 0;
        int high = pairs.length / 2 - 1;
        while (low <= high) {
            int middle = (low + high) >>> 1;
            int order = compare(pairs[2 * middle], pairs[2 * middle + 1], key);
            if (order < 0) {
                low = middle + 1;
            } else if (order > 0) {
                high = middle - 1;
            } else {
                return middle;
            }
        }
        return -(low + 1);
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public int valueArraySearch(Object keys, Revision key, Comparator comparator) {
        if (comparator == this) {
            return valueArraySearch(keys, key);
        }
        return Arrays.binarySearch(valueArrayToArray(keys), key, comparator);
    }

    /**
     * Searches the keys of a node still in the file, reading one pair at a time (no array). Leaves the input after the
     * last key, as MapDB goes on to read the node's links or values from there.
     */
    @Override
    @SuppressWarnings("rawtypes")
    public int valueArrayBinarySearch(Revision key, DataInput2 input, int keysLen, Comparator comparator)
            throws IOException {
        if (comparator != this) {
            return GroupSerializer.super.valueArrayBinarySearch(key, input, keysLen, comparator);
        }
        int found = -(keysLen + 1);
        for (int pos = 0; pos < keysLen; pos++) {
            int order = compare(input.readLong(), input.readLong(), key);
            if (order >= 0) {
                found = order == 0 ? pos : -(pos + 1);
                input.skipBytes((keysLen - pos - 1) * fixedSize());
                break;
            }
        }
        return found;
    }

    @Override
    public void valueArraySerialize(DataOutput2 out, Object keys) throws IOException {
        for (long value : (long[]) keys) {
            out.writeLong(value);
        }
    }

    @Override
    public Object valueArrayDeserialize(DataInput2 in, int size) throws IOException {
        long[] pairs = new long[2 * size];
        for (int i = 0; i < pairs.length; i++) {
            pairs[i] = in.readLong();
        }
        return pairs;
    }

    @Override
    public Revision valueArrayGet(Object keys, int pos) {
        long[] pairs = (long[]) keys;
        return new Revision(pairs[2 * pos], pairs[2 * pos + 1]);
    }

    @Override
    public int valueArraySize(Object keys) {
        return ((long[]) keys).length / 2;
    }

    @Override
    public Object valueArrayEmpty() {
        return new long[0];
    }

    @Override
    public Object valueArrayPut(Object keys, int pos, Revision revision) {
        long[] pairs = (long[]) keys;
        long[] grown = new long[pairs.length + 2];
        System.arraycopy(pairs, 0, grown, 0, 2 * pos);
        grown[2 * pos] = revision.main();
        grown[2 * pos + 1] = revision.sub();
        System.arraycopy(pairs, 2 * pos, grown, 2 * pos + 2, pairs.length - 2 * pos);
        return grown;
    }

    @Override
    public Object valueArrayUpdateVal(Object keys, int pos, Revision revision) {
        long[] updated = ((long[]) keys).clone();
        updated[2 * pos] = revision.main();
        updated[2 * pos + 1] = revision.sub();
        return updated;
    }

    @Override
    public Object valueArrayFromArray(Object[] revisions) {
        long[] pairs = new long[2 * revisions.length];
        for (int i = 0; i < revisions.length; i++) {
            Revision revision = (Revision) revisions[i];
            pairs[2 * i] = revision.main();
            pairs[2 * i + 1] = revision.sub();
        }
        return pairs;
    }

    @Override
    public Object valueArrayCopyOfRange(Object keys, int from, int to) {
        return Arrays.copyOfRange((long[]) keys, 2 * from, 2 * to);
    }

    /** Removes the key before {@code pos}: MapDB's B-tree passes the index plus one, as to its own serializers. */
    @Override
    public Object valueArrayDeleteValue(Object keys, int pos) {
        long[] pairs = (long[]) keys;
        int removed = pos - 1;
        long[] shrunk = new long[pairs.length - 2];
        System.arraycopy(pairs, 0, shrunk, 0, 2 * removed);
        System.arraycopy(pairs, 2 * removed + 2, shrunk, 2 * removed, shrunk.length - 2 * removed);
        return shrunk;
    }

    private static int compare(long main, long sub, Revision key) {
        int byMain = Long.compare(main, key.main());
        return byMain != 0 ? byMain : Long.compare(sub, key.sub());
    }
}
