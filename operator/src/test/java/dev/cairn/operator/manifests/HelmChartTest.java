package dev.cairn.operator.manifests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Comparator;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The hand-written chart in helm-chart/: lints, renders what its values say, and agrees with crds/ and config/. */
class HelmChartTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static final Comparator<JsonNode> NUMBERS_BY_VALUE = (a, b) -> a.isNumber() && b.isNumber()
            ? Double.compare(a.asDouble(), b.asDouble())
            : a.equals(b) ? 0 : 1;

    private static List<JsonNode> render(UnaryOperator<TemplateCommand> options) throws IOException {
        String manifests = options.apply(new Helm(RepoFiles.chart()).template()
                .withName("cairn").withNamespace("cairn-system")).call();
        return YAML.readerFor(JsonNode.class).<JsonNode>readValues(manifests).readAll().stream()
                .filter(document -> document != null && document.has("kind"))
                .toList();
    }

    private static JsonNode only(List<JsonNode> documents, String kind) {
        List<JsonNode> ofKind = documents.stream().filter(d -> kind.equals(d.path("kind").asText())).toList();
        assertThat(ofKind).as("rendered %s objects", kind).hasSize(1);
        return ofKind.get(0);
    }

    private static JsonNode operatorContainer(List<JsonNode> documents) {
        return only(documents, "Deployment").at("/spec/template/spec/containers/0");
    }

    @Test
    void chartLintsCleanly() {
        LintResult result = new Helm(RepoFiles.chart()).lint().strict().call();

        assertThat(result.isFailed()).as(String.join("\n", result.getMessages())).isFalse();
    }

    @Test
    void deploymentRunsTheImageOfTheValues() throws IOException {
        assertThat(operatorContainer(render(t -> t)).path("image").asText()).isEqualTo("cairn/operator:0.1.0");

        JsonNode container = operatorContainer(render(t -> t
                .set("image.repository", "registry.example/cairn-operator").set("image.tag", "9.9.9")));

        assertThat(container.path("image").asText()).isEqualTo("registry.example/cairn-operator:9.9.9");
    }

    @Test
    void deploymentRunsUnderTheChartsServiceAccount() throws IOException {
        List<JsonNode> documents = render(t -> t);

        String serviceAccount = only(documents, "ServiceAccount").at("/metadata/name").asText();
        assertThat(only(documents, "Deployment").at("/spec/template/spec/serviceAccountName").asText())
                .isEqualTo(serviceAccount);
        assertThat(only(documents, "ClusterRoleBinding").at("/subjects/0/name").asText()).isEqualTo(serviceAccount);
        assertThat(only(documents, "ClusterRoleBinding").at("/subjects/0/namespace").asText())
                .isEqualTo("cairn-system");
    }

    @Test
    void watchesAllNamespacesUnlessTold() throws IOException {
        assertThat(operatorContainer(render(t -> t)).has("env")).isFalse();

        JsonNode container = operatorContainer(render(t -> t
                .set("watchNamespaces[0]", "team-a").set("watchNamespaces[1]", "team-b")));

        assertThat(container.at("/env/0/name").asText()).isEqualTo("QUARKUS_OPERATOR_SDK_NAMESPACES");
        assertThat(container.at("/env/0/value").asText()).isEqualTo("team-a,team-b");
    }

    @ParameterizedTest
    @ValueSource(strings = {RepoFiles.CRD_FILE, RepoFiles.BACKUP_CRD_FILE})
    void rendersTheCheckedInCrdsAndKeepsThemOnUninstall(String file) throws IOException {
        JsonNode checkedIn = YAML.readTree(RepoFiles.checkedInCrd(file).toFile());
        String name = checkedIn.at("/metadata/name").asText();
        List<JsonNode> crds = render(t -> t).stream()
                .filter(d -> "CustomResourceDefinition".equals(d.path("kind").asText()))
                .toList();
        assertThat(crds).hasSize(RepoFiles.CRD_FILES.size());
        JsonNode rendered = crds.stream().filter(d -> name.equals(d.at("/metadata/name").asText())).findFirst()
                .orElseThrow(() -> new AssertionError("the chart does not render " + name));

        assertThat(rendered.at("/metadata/annotations/helm.sh~1resource-policy").asText()).isEqualTo("keep");
        // Helm re-serializes the file, so 9.0 comes back as 9: compare numbers by value.
        assertThat(rendered.get("spec").equals(NUMBERS_BY_VALUE, checkedIn.get("spec")))
                .as("the rendered CRD's spec equals crds/%s", file).isTrue();
    }

    @Test
    void crdCanBeLeftToSomeoneElse() throws IOException {
        assertThat(render(t -> t.set("crds.install", false)))
                .noneMatch(document -> "CustomResourceDefinition".equals(document.path("kind").asText()));
    }

    @ParameterizedTest
    @ValueSource(strings = {RepoFiles.CRD_FILE, RepoFiles.BACKUP_CRD_FILE})
    void chartCarriesTheCheckedInCrds(String file) throws IOException {
        assertThat(Files.readString(RepoFiles.chart().resolve("files").resolve(file)))
                .as(CrdUpToDateIT.HOW_TO_REFRESH, "helm-chart/files/" + file)
                .isEqualTo(Files.readString(RepoFiles.checkedInCrd(file)));
    }

    @Test
    void clusterRoleGrantsWhatConfigRbacGrants() throws IOException {
        JsonNode chartRole = only(render(t -> t), "ClusterRole");
        JsonNode configRole = YAML.readTree(RepoFiles.root().resolve("config/rbac/role.yaml").toFile());

        assertThat(chartRole.get("rules")).isEqualTo(configRole.get("rules"));
    }
}
