package dev.cairn.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.PrinterColumn;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.api.model.ResourceRequirements;

/**
 * What the user asks for. The annotations put the limits into the CRD's OpenAPI schema so that a real API server
 * refuses a bad resource; {@link KVClusterSpecValidator} checks the same limits again, because not every API server
 * the operator meets validates (the test mock server does not, and a CRD may be stale).
 */
public class KVClusterSpec {

    public static final int MIN_REPLICAS = 1;
    public static final int MAX_REPLICAS = 9;
    public static final int DEFAULT_REPLICAS = 3;

    @JsonPropertyDescription("Number of members, 1 to 9. Odd numbers tolerate the most failures per member.")
    @Min(MIN_REPLICAS)
    @Max(MAX_REPLICAS)
    @Default("3")
    @PrinterColumn(name = "Replicas")
    private Integer replicas = DEFAULT_REPLICAS;

    @JsonPropertyDescription("kvnode version to run, e.g. 0.1.0; selects the image cairn/kvnode:<version>.")
    @Required
    @PrinterColumn(name = "Version")
    private String version;

    /** Overrides the image derived from {@link #version} (cairn/kvnode:&lt;version&gt;), e.g. for a private registry. */
    @JsonPropertyDescription("Image to run instead of cairn/kvnode:<version>.")
    private String image;

    @JsonPropertyDescription("Persistent volume of each member.")
    private StorageSpec storage = new StorageSpec();

    @JsonPropertyDescription("CPU and memory of the kvnode container.")
    private ResourceRequirements resources;

    @JsonPropertyDescription("Labels, annotations and scheduling of the member pods.")
    private PodTemplateOverrides podTemplate;

    @JsonPropertyDescription("Backups on a schedule, kept up to a retention count.")
    private ScheduledBackupSpec backup;

    @JsonPropertyDescription("How the cluster starts: empty (default) or from a backup. Read only at creation.")
    private BootstrapSpec bootstrap;

    public Integer getReplicas() {
        return replicas;
    }

    public void setReplicas(Integer replicas) {
        this.replicas = replicas;
    }

    public String getVersion() {
        return version;
    }

    public void setVersion(String version) {
        this.version = version;
    }

    public String getImage() {
        return image;
    }

    public void setImage(String image) {
        this.image = image;
    }

    public StorageSpec getStorage() {
        return storage;
    }

    public void setStorage(StorageSpec storage) {
        this.storage = storage;
    }

    public ResourceRequirements getResources() {
        return resources;
    }

    public void setResources(ResourceRequirements resources) {
        this.resources = resources;
    }

    public PodTemplateOverrides getPodTemplate() {
        return podTemplate;
    }

    public void setPodTemplate(PodTemplateOverrides podTemplate) {
        this.podTemplate = podTemplate;
    }

    public ScheduledBackupSpec getBackup() {
        return backup;
    }

    public void setBackup(ScheduledBackupSpec backup) {
        this.backup = backup;
    }

    public BootstrapSpec getBootstrap() {
        return bootstrap;
    }

    public void setBootstrap(BootstrapSpec bootstrap) {
        this.bootstrap = bootstrap;
    }
}
