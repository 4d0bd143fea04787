package dev.cairn.operator.manifests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonMetaSchema;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.NonValidationKeyword;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Validates sample resources against the openAPIV3Schema of the checked-in CRD, as an API server would: the good
 * sample passes, each bad one fails naming its field. The mock server of the reconciler tests validates nothing,
 * so this is where the schema's limits are proven.
 */
class CrdSchemaTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static JsonSchema kvclusterSchema;
    private static JsonSchema kvbackupSchema;

    @BeforeAll
    static void loadSchemas() throws IOException {
        kvclusterSchema = loadSchema(RepoFiles.CRD_FILE);
        kvbackupSchema = loadSchema(RepoFiles.BACKUP_CRD_FILE);
    }

    private static JsonSchema loadSchema(String file) throws IOException {
        JsonNode crd = YAML.readTree(RepoFiles.checkedInCrd(file).toFile());
        JsonNode openApiSchema = crd.at("/spec/versions/0/schema/openAPIV3Schema");
        assertThat(openApiSchema.isMissingNode()).as("CRD %s has an openAPIV3Schema", file).isFalse();
        // Kubernetes' structural schemas are OpenAPI v3 (close to draft 4) plus x-kubernetes-* markers that carry
        // no validation a JSON-schema validator could perform.
        JsonMetaSchema kubernetesOpenApi = JsonMetaSchema.builder("https://cairn.dev/schemas/kubernetes-openapi-v3",
                        JsonMetaSchema.getV4())
                .keyword(new NonValidationKeyword("x-kubernetes-int-or-string"))
                .keyword(new NonValidationKeyword("x-kubernetes-preserve-unknown-fields"))
                .keyword(new NonValidationKeyword("x-kubernetes-list-type"))
                .keyword(new NonValidationKeyword("x-kubernetes-map-type"))
                .build();
        JsonSchemaFactory factory = JsonSchemaFactory.builder()
                .metaSchema(kubernetesOpenApi)
                .defaultMetaSchemaIri(kubernetesOpenApi.getIri())
                .build();
        return factory.getSchema(openApiSchema);
    }

    private static Set<ValidationMessage> validate(JsonNode resource) {
        return kvclusterSchema.validate(resource);
    }

    private static JsonNode testSample(String file) throws IOException {
        try (InputStream in = CrdSchemaTest.class.getResourceAsStream("/samples/" + file)) {
            assertThat(in).as("test sample %s", file).isNotNull();
            return YAML.readTree(in);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"kvcluster.yaml", "kvcluster-scheduled-backup.yaml", "kvcluster-restore.yaml"})
    void theShippedClusterSamplesAreValid(String file) throws IOException {
        JsonNode sample = YAML.readTree(RepoFiles.root().resolve("config/samples").resolve(file).toFile());

        assertThat(validate(sample)).isEmpty();
    }

    @Test
    void theShippedBackupSampleIsValid() throws IOException {
        JsonNode sample = YAML.readTree(RepoFiles.root().resolve("config/samples/kvbackup.yaml").toFile());

        assertThat(kvbackupSchema.validate(sample)).isEmpty();
    }

    @Test
    void aBackupWithoutClusterIsRefused() throws IOException {
        List<String> messages = kvbackupSchema.validate(testSample("backup-without-cluster.yaml")).stream()
                .map(ValidationMessage::getMessage).toList();

        assertThat(messages).singleElement().asString().startsWith("$.spec:").contains("clusterName");
    }

    @ParameterizedTest(name = "{0} is refused at {1}")
    @CsvSource({
            "too-many-replicas.yaml, $.spec.replicas, 9",
            "zero-replicas.yaml, $.spec.replicas, 1",
            "replicas-as-string.yaml, $.spec.replicas, integer",
            "missing-version.yaml, $.spec, version",
            "bad-storage-size.yaml, $.spec.storage.size, pattern",
            "zero-retention.yaml, $.spec.backup.retention, 1",
            "bad-restore-location.yaml, $.spec.bootstrap.fromBackup.location, pattern",
    })
    void badSamplesAreRefusedNamingTheField(String file, String location, String reason) throws IOException {
        List<String> messages = validate(testSample(file)).stream().map(ValidationMessage::getMessage).toList();

        assertThat(messages).singleElement().asString().startsWith(location + ":").contains(reason);
    }
}
