package dev.cairn.operator.resources;

/** Annotations the operator puts on the objects it manages. */
public final class KvnodeAnnotations {

    /** On the pod template, so on every pod: the revision of the template the pod was created from. */
    public static final String POD_TEMPLATE_REVISION = "kv.cairn.dev/pod-template-revision";

    /**
     * On a member's PersistentVolumeClaim: the id (hex) of the member whose data the volume holds, recorded once that
     * member answered from it. A volume without it is new; a volume with another id holds someone else's data.
     */
    public static final String MEMBER_ID = "kv.cairn.dev/member-id";

    private KvnodeAnnotations() {
    }
}
