package dev.cairn.operator.members;

import java.util.List;

/**
 * One entry of the cluster's member list. A member that was added but has not started yet has an empty name and no
 * client URLs.
 */
public record Member(long id, String name, List<String> peerUrls, List<String> clientUrls, boolean learner) {
    public Member {
        peerUrls = List.copyOf(peerUrls);
        clientUrls = List.copyOf(clientUrls);
    }

    public boolean started() {
        return !name.isEmpty();
    }

    /** Member ids are unsigned 64-bit; etcd prints them in hex, so logs and events should too. */
    public String idHex() {
        return Long.toHexString(id);
    }
}
