package dev.cairn.operator.resources;

/** etcd's well-known ports, which kvnode keeps so that etcd tooling finds it. */
public final class KvnodePorts {

    public static final int CLIENT = 2379;
    public static final int PEER = 2380;
    public static final int METRICS = 2381;

    private KvnodePorts() {
    }
}
