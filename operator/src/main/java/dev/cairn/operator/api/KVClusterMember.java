package dev.cairn.operator.api;

import java.util.Objects;

/**
 * One member of the cluster as the status reports it: where it answers, and what the cluster said about it in the
 * last reconcile. {@code id} (hex, as etcdctl prints it) and the observed fields stay empty until the operator has
 * read the member list from the running cluster.
 */
public class KVClusterMember {

    public static final String ROLE_LEADER = "Leader";
    public static final String ROLE_FOLLOWER = "Follower";
    public static final String ROLE_LEARNER = "Learner";

    private String name;
    private String id;
    private String clientURL;
    private String peerURL;
    private String role;
    private Boolean learner;
    private Boolean healthy;
    private Long appliedIndex;

    public KVClusterMember() {
    }

    public KVClusterMember(String name, String clientURL, String peerURL) {
        this.name = name;
        this.clientURL = clientURL;
        this.peerURL = peerURL;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public String getId() {
        return id;
    }

    public void setId(String id) {
        this.id = id;
    }

    public String getClientURL() {
        return clientURL;
    }

    public void setClientURL(String clientURL) {
        this.clientURL = clientURL;
    }

    public String getPeerURL() {
        return peerURL;
    }

    public void setPeerURL(String peerURL) {
        this.peerURL = peerURL;
    }

    /** Leader, Follower or Learner. */
    public String getRole() {
        return role;
    }

    public void setRole(String role) {
        this.role = role;
    }

    public Boolean getLearner() {
        return learner;
    }

    public void setLearner(Boolean learner) {
        this.learner = learner;
    }

    public Boolean getHealthy() {
        return healthy;
    }

    public void setHealthy(Boolean healthy) {
        this.healthy = healthy;
    }

    /** The member's Raft applied index; against the leader's it says how far behind the member is. */
    public Long getAppliedIndex() {
        return appliedIndex;
    }

    public void setAppliedIndex(Long appliedIndex) {
        this.appliedIndex = appliedIndex;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KVClusterMember other
                && Objects.equals(name, other.name)
                && Objects.equals(id, other.id)
                && Objects.equals(clientURL, other.clientURL)
                && Objects.equals(peerURL, other.peerURL)
                && Objects.equals(role, other.role)
                && Objects.equals(learner, other.learner)
                && Objects.equals(healthy, other.healthy)
                && Objects.equals(appliedIndex, other.appliedIndex);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, id, clientURL, peerURL, role, learner, healthy, appliedIndex);
    }
}
