package dev.cairn.e2e.diff;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * Member and cluster ids as etcd derives them for founding members, written here independently of kvnode's code so
 * that it serves as the oracle: a member id is the first 8 bytes (big-endian) of SHA-1 over the member's sorted peer
 * URLs concatenated, then the cluster token; the cluster id is the same over the sorted member ids, 8 bytes each.
 * Ids kvnode derived differently stay unmasked in its output, and show up as differences.
 */
final class EtcdMemberIds {
    private EtcdMemberIds() {
    }

    static long memberId(List<String> peerUrls, String token) {
        String joined = String.join("", peerUrls.stream().sorted().toList());
        return first8(sha1((joined + token).getBytes(StandardCharsets.UTF_8)));
    }

    static long clusterId(List<Long> memberIds) {
        // etcd sorts ids as unsigned 64-bit numbers.
        List<Long> sorted = memberIds.stream().sorted(Long::compareUnsigned).toList();
        ByteBuffer bytes = ByteBuffer.allocate(8 * sorted.size());
        for (long id : sorted) {
            bytes.putLong(id);
        }
        return first8(sha1(bytes.array()));
    }

    private static long first8(byte[] digest) {
        return ByteBuffer.wrap(digest, 0, 8).getLong();
    }

    private static byte[] sha1(byte[] input) {
        try {
            return MessageDigest.getInstance("SHA-1").digest(input);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-1", e);
        }
    }
}
