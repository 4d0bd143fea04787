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

    @Override
    public boolean equals(Object o) {
        return o instanceof KVClusterStatus other
                && Objects.equals(observedGeneration, other.observedGeneration)
                && phase == other.phase
                && Objects.equals(conditions, other.conditions)
                && Objects.equals(readyReplicas, other.readyReplicas)
                && Objects.equals(members, other.members)
                && Objects.equals(clientEndpoint, other.clientEndpoint);
    }

    @Override
    public int hashCode() {
        return Objects.hash(observedGeneration, phase, conditions, readyReplicas, members, clientEndpoint);
    }
}
