package dev.cairn.operator.resources;

/**
 * etcd's {@code --initial-cluster-state}. The members of a bootstrap start as {@code new}; once the cluster has
 * formed, the pod template says {@code existing}, so that any pod that starts on an empty volume later (a scale-up,
 * a replacement) joins the running cluster as the learner the operator added, instead of founding a second
 * cluster. A member that already has data ignores the flag.
 */
public enum InitialClusterState {
    NEW("new"),
    EXISTING("existing");

    private final String flagValue;

    InitialClusterState(String flagValue) {
        this.flagValue = flagValue;
    }

    public String flagValue() {
        return flagValue;
    }
}
