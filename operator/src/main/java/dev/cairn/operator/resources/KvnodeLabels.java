package dev.cairn.operator.resources;

import java.util.LinkedHashMap;
import java.util.Map;

/** The recommended app.kubernetes.io labels that tie every object of one cluster together. */
public final class KvnodeLabels {

    public static final String NAME = "app.kubernetes.io/name";
    public static final String INSTANCE = "app.kubernetes.io/instance";
    public static final String MANAGED_BY = "app.kubernetes.io/managed-by";

    public static final String APP = "kvnode";
    /** The name of backup Jobs and claims: not {@link #APP}, so a cluster's member selector never takes them in. */
    public static final String BACKUP_APP = "kvnode-backup";
    public static final String OPERATOR = "cairn-operator";

    /** Selects the objects the operator manages; its informers watch only these. */
    public static final String MANAGED_SELECTOR = MANAGED_BY + "=" + OPERATOR;

    private KvnodeLabels() {
    }

    /** The labels that select one cluster's pods. Kept minimal: a StatefulSet's selector can never change. */
    public static Map<String, String> selector(String clusterName) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(NAME, APP);
        labels.put(INSTANCE, clusterName);
        return labels;
    }

    /** The labels every managed object carries. */
    public static Map<String, String> all(String clusterName) {
        Map<String, String> labels = selector(clusterName);
        labels.put(MANAGED_BY, OPERATOR);
        return labels;
    }

    /** The labels of a cluster's backup Jobs and claims. */
    public static Map<String, String> backup(String clusterName) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(NAME, BACKUP_APP);
        labels.put(INSTANCE, clusterName);
        labels.put(MANAGED_BY, OPERATOR);
        return labels;
    }
}
