package dev.cairn.operator.api;

import io.fabric8.crd.generator.annotation.PrinterColumn;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What the operator observed. Value equality matters: the reconciler writes the status only when the newly computed
 * one differs from the stored one.
 */
public class KVClusterStatus {

    public static final String CONDITION_READY = "Ready";
    public static final String CONDITION_PROGRESSING = "Progressing";
    public static final String CONDITION_DEGRADED = "Degraded";

    private Long observedGeneration;

    @PrinterColumn(name = "Phase")
    private ClusterPhase phase;

    private List<Condition> conditions = new ArrayList<>();

    @PrinterColumn(name = "Ready")
    private Integer readyReplicas;

    private List<KVClusterMember> members = new ArrayList<>();

    private String clientEndpoint;

    /** Name of the member that leads, empty when there is no leader or the cluster cannot be reached. */
    private String leader;

    /** The pod-template revision the members should run; pods carry theirs in an annotation. */
    private String revision;

    /**
     * The Cairn release every member runs, as the leader's {@code /version} reports it (raised by the cluster once the
     * last member runs a new release); a rolling upgrade is complete when it equals {@code spec.version}.
     */
    @PrinterColumn(name = "Cluster Version")
    private String clusterVersion;

    /** Things that work but are unwise, such as an even number of members. */
    private List<String> warnings = new ArrayList<>();

    /** When the operator started waiting (RFC 3339); a wait longer than its bound makes the cluster Degraded. */
    private String waitingSince;

    public Long getObservedGeneration() {
        return observedGeneration;
    }

    public void setObservedGeneration(Long observedGeneration) {
        this.observedGeneration = observedGeneration;
    }

    public ClusterPhase getPhase() {
        return phase;
    }

    public void setPhase(ClusterPhase phase) {
        this.phase = phase;
    }

    public List<Condition> getConditions() {
        return conditions;
    }

    public void setConditions(List<Condition> conditions) {
        this.conditions = conditions;
    }

    public Integer getReadyReplicas() {
        return readyReplicas;
    }

    public void setReadyReplicas(Integer readyReplicas) {
        this.readyReplicas = readyReplicas;
    }

    public List<KVClusterMember> getMembers() {
        return members;
    }

    public void setMembers(List<KVClusterMember> members) {
        this.members = members;
    }

    public String getClientEndpoint() {
        return clientEndpoint;
    }

    public void setClientEndpoint(String clientEndpoint) {
        this.clientEndpoint = clientEndpoint;
    }

    public String getLeader() {
        return leader;
    }

    public void setLeader(String leader) {
        this.leader = leader;
    }

    public String getRevision() {
        return revision;
    }

    public void setRevision(String revision) {
        this.revision = revision;
    }

    public String getClusterVersion() {
        return clusterVersion;
    }

    public void setClusterVersion(String clusterVersion) {
        this.clusterVersion = clusterVersion;
    }

    public List<String> getWarnings() {
        return warnings;
    }

    public void setWarnings(List<String> warnings) {
        this.warnings = warnings;
    }

    public String getWaitingSince() {
        return waitingSince;
    }

    public void setWaitingSince(String waitingSince) {
        this.waitingSince = waitingSince;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KVClusterStatus other
                && Objects.equals(observedGeneration, other.observedGeneration)
                && phase == other.phase
                && Objects.equals(conditions, other.conditions)
                && Objects.equals(readyReplicas, other.readyReplicas)
                && Objects.equals(members, other.members)
                && Objects.equals(clientEndpoint, other.clientEndpoint)
                && Objects.equals(leader, other.leader)
                && Objects.equals(revision, other.revision)
                && Objects.equals(clusterVersion, other.clusterVersion)
                && Objects.equals(warnings, other.warnings)
                && Objects.equals(waitingSince, other.waitingSince);
    }

    @Override
    public int hashCode() {
        return Objects.hash(observedGeneration, phase, conditions, readyReplicas, members, clientEndpoint, leader,
                revision, clusterVersion, warnings, waitingSince);
    }
}
