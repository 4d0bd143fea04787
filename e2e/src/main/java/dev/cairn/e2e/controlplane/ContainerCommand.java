package dev.cairn.e2e.controlplane;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarSource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a container would run, turned into a host process: the container's command (or the image's entrypoint) and
 * arguments with {@code $(VAR)} expanded from its environment as the kubelet does, the environment with the
 * downward API ({@code fieldRef}) and ConfigMap/Secret references resolved, and three translations that stand in
 * for the namespaces a real container has:
 * <ul>
 *   <li>mount namespace: a volume's mount path, wherever it starts a path in an argument or a value, becomes the
 *   host directory behind the volume;</li>
 *   <li>network namespace: the wildcard address in a URL ({@code //0.0.0.0:}, {@code //[::]:}) becomes the pod's
 *   own loopback address, which is all "every interface" means inside a pod;</li>
 *   <li>the image: its executable becomes the local build's launcher ({@link LocalImages}).</li>
 * </ul>
 */
final class ContainerCommand {

    private static final Pattern REFERENCE = Pattern.compile("\\$\\$|\\$\\(([A-Za-z_][A-Za-z0-9_.-]*)\\)");

    final List<String> command;
    final Map<String, String> environment;
    final Path workingDirectory;

    private ContainerCommand(List<String> command, Map<String, String> environment, Path workingDirectory) {
        this.command = List.copyOf(command);
        this.environment = Map.copyOf(environment);
        this.workingDirectory = workingDirectory;
    }

    /**
     * @param mounts the container's mount paths and the host directories behind them
     * @throws IllegalStateException when the container cannot run here (an image without a local build, a value
     *                               source the control plane does not know)
     */
    static ContainerCommand of(Pod pod, Container container, String podIp, Map<String, Path> mounts,
                               Path podDirectory, LocalImages images, KubernetesClient client) {
        Map<String, String> env = environment(pod, container, podIp, client);
        PathMapper paths = new PathMapper(mounts);
        List<String> words = new ArrayList<>();
        List<String> entry = container.getCommand() == null || container.getCommand().isEmpty()
                ? images.entrypoint(container.getImage()).orElseThrow(() -> new IllegalStateException(
                "image " + container.getImage() + " has no local build (only " + LocalImages.KVNODE_REPOSITORY
                        + " images run here)"))
                : container.getCommand();
        entry.forEach(word -> words.add(expand(word, env)));
        if (container.getArgs() != null) {
            container.getArgs().forEach(word -> words.add(expand(word, env)));
        }
        List<String> launcher = images.launcher(container.getImage(), words.get(0), container)
                .orElseThrow(() -> new IllegalStateException("image " + container.getImage() + " has no local "
                        + "executable " + words.get(0)));
        List<String> command = new ArrayList<>(launcher);
        words.stream().skip(1).map(word -> hostNetwork(paths.map(word), podIp)).forEach(command::add);
        Map<String, String> hostEnv = new LinkedHashMap<>();
        env.forEach((name, value) -> hostEnv.put(name, hostNetwork(paths.map(value), podIp)));
        Path workingDirectory = container.getWorkingDir() == null ? podDirectory
                : Path.of(paths.map(container.getWorkingDir()));
        return new ContainerCommand(command, hostEnv, workingDirectory);
    }

    private static Map<String, String> environment(Pod pod, Container container, String podIp,
                                                   KubernetesClient client) {
        Map<String, String> env = new LinkedHashMap<>();
        String namespace = pod.getMetadata().getNamespace();
        if (container.getEnvFrom() != null) {
            for (EnvFromSource from : container.getEnvFrom()) {
                String prefix = from.getPrefix() == null ? "" : from.getPrefix();
                if (from.getConfigMapRef() != null) {
                    ConfigMap map = client.configMaps().inNamespace(namespace)
                            .withName(from.getConfigMapRef().getName()).get();
                    if (map != null && map.getData() != null) {
                        map.getData().forEach((k, v) -> env.put(prefix + k, v));
                    }
                }
                if (from.getSecretRef() != null) {
                    Secret secret = client.secrets().inNamespace(namespace).withName(from.getSecretRef().getName())
                            .get();
                    if (secret != null && secret.getData() != null) {
                        secret.getData().forEach((k, v) -> env.put(prefix + k, decode(v)));
                    }
                }
            }
        }
        if (container.getEnv() != null) {
            for (EnvVar var : container.getEnv()) {
                String value = var.getValueFrom() == null ? expand(nullToEmpty(var.getValue()), env)
                        : valueFrom(pod, var, podIp, client);
                env.put(var.getName(), value);
            }
        }
        return env;
    }

    private static String valueFrom(Pod pod, EnvVar var, String podIp, KubernetesClient client) {
        EnvVarSource source = var.getValueFrom();
        String namespace = pod.getMetadata().getNamespace();
        if (source.getFieldRef() != null) {
            String path = source.getFieldRef().getFieldPath();
            return switch (path) {
                case "metadata.name" -> pod.getMetadata().getName();
                case "metadata.namespace" -> namespace;
                case "metadata.uid" -> pod.getMetadata().getUid();
                case "status.podIP", "status.podIPs" -> podIp;
                case "status.hostIP", "status.hostIPs" -> "127.0.0.1";
                case "spec.nodeName" -> "local";
                case "spec.serviceAccountName" -> nullToEmpty(pod.getSpec().getServiceAccountName());
                default -> labelOrAnnotation(pod, path, var.getName());
            };
        }
        if (source.getConfigMapKeyRef() != null) {
            ConfigMap map = client.configMaps().inNamespace(namespace)
                    .withName(source.getConfigMapKeyRef().getName()).get();
            return map == null || map.getData() == null ? ""
                    : nullToEmpty(map.getData().get(source.getConfigMapKeyRef().getKey()));
        }
        if (source.getSecretKeyRef() != null) {
            Secret secret = client.secrets().inNamespace(namespace).withName(source.getSecretKeyRef().getName())
                    .get();
            return secret == null || secret.getData() == null ? ""
                    : decode(nullToEmpty(secret.getData().get(source.getSecretKeyRef().getKey())));
        }
        throw new IllegalStateException("env " + var.getName() + ": value source not supported by the local "
                + "control plane: " + source);
    }

    private static String labelOrAnnotation(Pod pod, String path, String name) {
        Matcher matcher = Pattern.compile("^metadata\\.(labels|annotations)\\['(.+)'\\]$").matcher(path);
        if (!matcher.matches()) {
            throw new IllegalStateException("env " + name + ": fieldRef " + path + " not supported");
        }
        Map<String, String> values = matcher.group(1).equals("labels") ? pod.getMetadata().getLabels()
                : pod.getMetadata().getAnnotations();
        return values == null ? "" : nullToEmpty(values.get(matcher.group(2)));
    }

    /** Kubernetes' rule: {@code $(VAR)} of a defined variable is replaced, {@code $$} is a literal {@code $}. */
    static String expand(String text, Map<String, String> env) {
        Matcher matcher = REFERENCE.matcher(text);
        StringBuilder result = new StringBuilder();
        while (matcher.find()) {
            String replacement;
            if (matcher.group().equals("$$")) {
                replacement = "$";
            } else {
                replacement = env.getOrDefault(matcher.group(1), matcher.group());
            }
            matcher.appendReplacement(result, Matcher.quoteReplacement(replacement));
        }
        matcher.appendTail(result);
        return result.toString();
    }

    static String hostNetwork(String text, String podIp) {
        return text.replace("//0.0.0.0:", "//" + podIp + ":").replace("//[::]:", "//" + podIp + ":");
    }

    private static String decode(String base64) {
        return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
    }

    private static String nullToEmpty(String value) {
        return value == null ? "" : value;
    }

    /** Mount paths to host directories, longest mount path first so that nested mounts win. */
    static final class PathMapper {
        private final List<Map.Entry<String, Path>> mounts;

        PathMapper(Map<String, Path> mounts) {
            this.mounts = mounts.entrySet().stream()
                    .sorted(Comparator.comparingInt((Map.Entry<String, Path> e) -> e.getKey().length()).reversed())
                    .toList();
        }

        /** Replaces a mount path where it starts a path: at the start or after {@code =}, {@code :} or {@code ,}. */
        String map(String text) {
            String result = text;
            for (Map.Entry<String, Path> mount : mounts) {
                String mountPath = mount.getKey().endsWith("/") && mount.getKey().length() > 1
                        ? mount.getKey().substring(0, mount.getKey().length() - 1) : mount.getKey();
                Pattern pattern = Pattern.compile("(^|[=:,])" + Pattern.quote(mountPath) + "(?=/|$|[,:])");
                result = pattern.matcher(result).replaceAll(
                        m -> Matcher.quoteReplacement(m.group(1) + mount.getValue().toString()));
            }
            return result;
        }
    }
}
