package dev.cairn.e2e.diff;

/** One member of a cluster under test, as etcdctl and the normalizer see it: its name and its loopback URLs. */
record ClusterMember(String name, String clientUrl, String peerUrl) {

    /** The client address without scheme, as etcdctl prints endpoints ({@code 127.0.0.1:23791}). */
    String clientAddress() {
        return clientUrl.replaceFirst("^https?://", "");
    }

    String peerAddress() {
        return peerUrl.replaceFirst("^https?://", "");
    }
}
