package dev.cairn.e2e.controlplane;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.net.HttpURLConnection;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Map;

/**
 * fabric8's CRUD dispatcher with a stand-in for server-side apply, which it lacks, so that the operator runs as
 * built for production (SSA on; the switch is fixed at build time in its Quarkus application). An apply
 * ({@code PATCH} with {@code application/apply-patch+yaml}) of an object that does not exist creates it; of one
 * that exists, the applied fields are merged into it as a JSON merge patch (RFC 7386: lists are replaced) and the
 * result stored as an update. That is what an apply by one field manager amounts to
 * when nobody else owns those fields — the case of the operator's own objects. Not modelled: field ownership and
 * conflicts, and the removal of fields a manager stops applying.
 */
final class ServerSideApplyDispatcher extends KubernetesCrudDispatcher {

    ServerSideApplyDispatcher() {
        super(new ArrayList<>());
    }

    @Override
    public MockResponse handlePatch(RecordedRequest request) {
        String contentType = request.getHeader("Content-Type");
        if (contentType == null || !contentType.startsWith("application/apply-patch")) {
            return super.handlePatch(request);
        }
        String path = request.getPath();
        String resourcePath = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
        String json;
        try {
            // YAML is a superset of JSON: one parser for both bodies clients send.
            json = Serialization.asJson(Serialization.unmarshal(request.getUtf8Body(), Map.class));
        } catch (RuntimeException e) {
            return new MockResponse().setResponseCode(HttpURLConnection.HTTP_BAD_REQUEST).setBody(e.getMessage());
        }
        if (findResource(getKey(resourcePath)) == null) {
            if (resourcePath.endsWith("/status")) {
                return new MockResponse().setResponseCode(HttpURLConnection.HTTP_NOT_FOUND);
            }
            String collection = resourcePath.substring(0, resourcePath.lastIndexOf('/'));
            return handleCreate(new RecordedRequest("HTTP/1.1", HttpMethod.POST, collection,
                    Headers.builder().add("Content-Type", "application/json").build(),
                    new Buffer(json.getBytes(StandardCharsets.UTF_8))));
        }
        JsonNode current = Serialization.unmarshal(findResource(getKey(resourcePath)).getValue(), JsonNode.class);
        JsonNode applied = Serialization.unmarshal(json, JsonNode.class);
        if (applied.path("metadata") instanceof ObjectNode metadata) {
            metadata.remove("resourceVersion");
        }
        JsonNode merged = merge(current.deepCopy(), applied);
        return handleUpdate(new RecordedRequest("HTTP/1.1", HttpMethod.PUT, resourcePath,
                Headers.builder().add("Content-Type", "application/json").build(),
                new Buffer(Serialization.asJson(merged).getBytes(StandardCharsets.UTF_8))));
    }

    /** RFC 7386: objects merge key by key, null removes, anything else (lists included) replaces. */
    static JsonNode merge(JsonNode target, JsonNode patch) {
        if (!(patch instanceof ObjectNode patchObject)) {
            return patch;
        }
        ObjectNode result = target instanceof ObjectNode object ? object : JsonNodeFactory.instance.objectNode();
        patchObject.properties().forEach(field -> {
            if (field.getValue().isNull()) {
                result.remove(field.getKey());
            } else {
                result.set(field.getKey(), merge(result.path(field.getKey()), field.getValue()));
            }
        });
        return result;
    }
}
