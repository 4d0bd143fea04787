package dev.cairn.operator.reconcile;

import dev.cairn.operator.api.KVCluster;

/**
 * Named points right after each action of the reconciler. In production they do nothing; tests arm one to make the
 * operator "die" there (the reconcile throws before its next Kubernetes write) and prove that the next reconcile
 * converges without repeating a membership change.
 */
public interface Failpoints {

    String AFTER_MEMBER_ADD = "after-member-add";
    String AFTER_PROMOTE = "after-promote";
    String AFTER_MEMBER_REMOVE = "after-member-remove";
    String AFTER_MOVE_LEADER = "after-move-leader";
    String AFTER_POD_DELETE = "after-pod-delete";

    void reached(String point, KVCluster cluster);
}
