package dev.cairn.e2e.controlplane;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The API server's {@code pods/log} subresource ({@code GET /api/v1/namespaces/{ns}/pods/{pod}/log}), which the mock
 * server lacks, served from the files the process kubelet writes each container's standard output and error to;
 * every other request goes on to the object store. This is how the operator reads a backup Job's report, as it does
 * on a real cluster.
 *
 * <p>A pod's container keeps one file ({@link #file}) across restarts and across pods of the same name (a
 * StatefulSet's), each run headed by a {@link #startLine} naming the pod's uid. As the kubelet does, the log served
 * is the current run of the container of the pod that exists now ({@code previous=true}: the run before it).
 * Query parameters: {@code container} (required when the pod has several containers), {@code previous},
 * {@code tailLines}. Others ({@code pretty}, {@code timestamps}, {@code sinceSeconds}, {@code limitBytes},
 * {@code follow}) are ignored: the log comes whole and at once.
 */
final class PodLogs extends Dispatcher {

    private static final Pattern LOG_PATH = Pattern.compile("^/api/v1/namespaces/([^/?]+)/pods/([^/?]+)/log$");
    private static final String START = "=== ";

    private final Path logDir;
    private final KubernetesCrudDispatcher objects;

    /**
     * @param logDir  where the kubelet writes container output ({@link ControlPlaneSettings#logDir()})
     * @param objects the object store that answers every other request
     */
    PodLogs(Path logDir, KubernetesCrudDispatcher objects) {
        this.logDir = logDir;
        this.objects = objects;
    }

    /** The file that holds every run of a container of the pods named {@code namespace/pod}. */
    static Path file(Path logDir, String namespace, String pod, String container) {
        return logDir.resolve(namespace).resolve(pod).resolve(container + ".log");
    }

    /** The line the kubelet writes before each run of a container; a run's output follows it. */
    static String startLine(Instant at, String podUid, String container, List<String> command) {
        return START + at + " pod " + podUid + " starts " + container + ": " + String.join(" ", command) + "\n";
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
        String path = request.getPath();
        int query = path.indexOf('?');
        Matcher matcher = LOG_PATH.matcher(query < 0 ? path : path.substring(0, query));
        if (!"GET".equals(request.getMethod()) || !matcher.matches()) {
            return objects.dispatch(request);
        }
        return serve(matcher.group(1), matcher.group(2), parameters(query < 0 ? "" : path.substring(query + 1)));
    }

    @Override
    public void shutdown() {
        objects.shutdown();
    }

    private MockResponse serve(String namespace, String podName, Map<String, String> parameters) {
        var stored = objects.findResource(objects.getKey("/api/v1/namespaces/" + namespace + "/pods/" + podName));
        if (stored == null) {
            return failure(HttpURLConnection.HTTP_NOT_FOUND, "NotFound", "pods \"" + podName + "\" not found");
        }
        Pod pod = Serialization.unmarshal(stored.getValue(), Pod.class);
        List<String> containers = Stream.concat(
                        Objects.requireNonNullElse(pod.getSpec().getContainers(), List.<Container>of()).stream(),
                        Objects.requireNonNullElse(pod.getSpec().getInitContainers(), List.<Container>of()).stream())
                .map(Container::getName).toList();
        String container = parameters.get("container");
        if (container == null) {
            if (pod.getSpec().getContainers().size() != 1) {
                return failure(HttpURLConnection.HTTP_BAD_REQUEST, "BadRequest", "a container name must be "
                        + "specified for pod " + podName + ", choose one of: " + containers);
            }
            container = pod.getSpec().getContainers().get(0).getName();
        } else if (!containers.contains(container)) {
            return failure(HttpURLConnection.HTTP_BAD_REQUEST, "BadRequest", "container " + container
                    + " is not valid for pod " + podName);
        }
        List<String> runs = runs(file(logDir, namespace, podName, container), pod.getMetadata().getUid(), container);
        boolean previous = "true".equals(parameters.get("previous"));
        int index = runs.size() - (previous ? 2 : 1);
        if (index < 0) {
            return failure(HttpURLConnection.HTTP_BAD_REQUEST, "BadRequest", previous
                    ? "previous terminated container \"" + container + "\" in pod \"" + podName + "\" not found"
                    : "container \"" + container + "\" in pod \"" + podName + "\" is waiting to start");
        }
        String log = runs.get(index);
        String tail = parameters.get("tailLines");
        if (tail != null) {
            if (!tail.matches("\\d{1,9}")) {
                return failure(HttpURLConnection.HTTP_BAD_REQUEST, "BadRequest", "tailLines: not a count: " + tail);
            }
            log = lastLines(log, Integer.parseInt(tail));
        }
        return new MockResponse().setResponseCode(HttpURLConnection.HTTP_OK)
                .setHeader("Content-Type", "text/plain").setBody(log);
    }

    /** The output of each run of the container in the pod with this uid, oldest first. */
    private static List<String> runs(Path file, String podUid, String container) {
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the log " + file, e);
        }
        String ownStart = " pod " + podUid + " starts " + container + ": ";
        List<String> runs = new ArrayList<>();
        StringBuilder current = null;
        for (String line : text.split("(?<=\n)")) {
            if (line.startsWith(START) && line.contains(" starts " + container + ": ")) {
                if (current != null) {
                    runs.add(current.toString());
                }
                // A run of an earlier pod of the same name is not this pod's log.
                current = line.contains(ownStart) ? new StringBuilder() : null;
            } else if (current != null) {
                current.append(line);
            }
        }
        if (current != null) {
            runs.add(current.toString());
        }
        return runs;
    }

    static String lastLines(String log, int count) {
        String[] lines = log.split("(?<=\n)");
        int from = Math.max(0, lines.length - count);
        return String.join("", Arrays.copyOfRange(lines, from, lines.length));
    }

    private static Map<String, String> parameters(String query) {
        Map<String, String> parameters = new HashMap<>();
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String name = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
            String value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
            parameters.put(name, value);
        }
        return parameters;
    }

    private static MockResponse failure(int code, String reason, String message) {
        return new MockResponse().setResponseCode(code).setHeader("Content-Type", "application/json")
                .setBody(Serialization.asJson(new StatusBuilder().withStatus("Failure").withCode(code)
                        .withReason(reason).withMessage(message).build()));
    }
}
