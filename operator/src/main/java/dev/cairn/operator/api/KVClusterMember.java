package dev.cairn.operator.api;

import java.util.Objects;

/**
 * One member of the cluster as the operator expects it from the spec. {@code id} stays empty until the operator
 * reads the member list from the running cluster.
 */
public class KVClusterMember {

    private String name;
    private String id;
    private String clientURL;
    private String peerURL;

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

    @Override
    public boolean equals(Object o) {
        return o instanceof KVClusterMember other
                && Objects.equals(name, other.name)
                && Objects.equals(id, other.id)
                && Objects.equals(clientURL, other.clientURL)
                && Objects.equals(peerURL, other.peerURL);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, id, clientURL, peerURL);
    }
}
