package dev.cairn.kvnode.raft;

import java.util.Arrays;

/**
 * The answer to a read-index request: once this node has applied {@code index}, a read of its state is
 * linearizable with respect to the request identified by {@code requestContext}.
 */
public record ReadState(long index, byte[] requestContext) {
    @Override
    public boolean equals(Object other) {
        return other instanceof ReadState that && index == that.index
                && Arrays.equals(requestContext, that.requestContext);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(index) * 31 + Arrays.hashCode(requestContext);
    }

    @Override
    public String toString() {
        return "read@" + index;
    }
}
