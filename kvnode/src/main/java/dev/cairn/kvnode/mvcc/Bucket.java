package dev.cairn.kvnode.mvcc;

/**
 * The backend's maps for state that is not keys but must be applied with the same consistent index and travel in the
 * same images: etcd's members, cluster, leases, auth and alarm buckets. Each holds byte keys to byte values whose format
 * belongs to the service that writes it.
 */
public enum Bucket {
    MEMBERS("members"),
    /** Ids of members removed from the cluster: they may never rejoin under the same id. */
    MEMBERS_REMOVED("members_removed"),
    /** Cluster-wide settings beside the members: the cluster version (etcd's "cluster" bucket). */
    CLUSTER("cluster"),
    LEASES("lease"),
    AUTH("auth"),
    ALARM("alarm");

    private final String storedName;

    Bucket(String storedName) {
        this.storedName = storedName;
    }

    String storedName() {
        return storedName;
    }
}
