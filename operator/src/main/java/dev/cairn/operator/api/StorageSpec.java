package dev.cairn.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.cairn.operator.plan.PvcReclaimPolicy;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;

/** The persistent volume each member keeps its WAL, snapshots and backend on. */
public class StorageSpec {

    public static final String DEFAULT_SIZE = "1Gi";

    /**
     * A positive Kubernetes quantity: digits with an optional fraction and an optional binary (Ki..Ei) or decimal
     * (k..E) suffix. Narrower than the API's general quantity syntax on purpose: a volume size has no sign or
     * exponent.
     */
    public static final String SIZE_PATTERN = "^[0-9]+(\\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$";

    @JsonPropertyDescription("Size of each member's volume, a quantity such as 1Gi or 500Mi.")
    @Pattern(SIZE_PATTERN)
    @Default(DEFAULT_SIZE)
    private String size = DEFAULT_SIZE;

    /** Empty means the cluster's default StorageClass. */
    @JsonPropertyDescription("StorageClass of the volumes; empty means the cluster default.")
    private String storageClassName;

    @JsonPropertyDescription("What happens to a member's volume after a scale-down removed the member: Retain (default)"
            + " keeps it for a human, Delete deletes it. A retained volume is wiped anyway before its ordinal rejoins.")
    @Default("Retain")
    private PvcReclaimPolicy reclaimPolicy = PvcReclaimPolicy.Retain;

    public String getSize() {
        return size;
    }

    public void setSize(String size) {
        this.size = size;
    }

    public String getStorageClassName() {
        return storageClassName;
    }

    public void setStorageClassName(String storageClassName) {
        this.storageClassName = storageClassName;
    }

    public PvcReclaimPolicy getReclaimPolicy() {
        return reclaimPolicy;
    }

    public void setReclaimPolicy(PvcReclaimPolicy reclaimPolicy) {
        this.reclaimPolicy = reclaimPolicy;
    }
}
