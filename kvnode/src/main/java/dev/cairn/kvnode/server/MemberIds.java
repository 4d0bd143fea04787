package dev.cairn.kvnode.server;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.List;

/**
 * Member and cluster ids derived as etcd derives them, so that a member's id follows from its peer URLs and the
 * cluster token alone, and every member of a new cluster computes the same cluster id without talking to the rest.
 */
public final class MemberIds {
    private MemberIds() {
    }

    /** The first eight bytes (big-endian) of SHA-1 over the sorted peer URLs, concatenated, then the token. */
    public static long memberId(Collection<String> peerUrls, String clusterToken) {
        StringBuilder input = new StringBuilder();
        peerUrls.stream().sorted().forEach(input::append);
        input.append(clusterToken);
        return firstEightBytes(sha1(input.toString().getBytes(StandardCharsets.UTF_8)));
    }

    /** The first eight bytes of SHA-1 over the member ids, sorted as unsigned numbers, each as eight big-endian bytes. */
    public static long clusterId(Collection<Long> memberIds) {
        List<Long> sorted = memberIds.stream().sorted(Long::compareUnsigned).toList();
        ByteBuffer bytes = ByteBuffer.allocate(8 * sorted.size());
        sorted.forEach(bytes::putLong);
        return firstEightBytes(sha1(bytes.array()));
    }

    /** An id as etcd prints it: lower-case hex without leading zeros. */
    public static String toHex(long id) {
        return Long.toHexString(id);
    }

    private static byte[] sha1(byte[] input) {
        try {
            return MessageDigest.getInstance("SHA-1").digest(input);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required of every Java runtime", e);
        }
    }

    private static long firstEightBytes(byte[] hash) {
        return ByteBuffer.wrap(hash, 0, 8).getLong();
    }
}
