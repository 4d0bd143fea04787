package dev.cairn.e2e.controlplane;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * One container's probe (readiness or liveness) as the kubelet runs it: httpGet (2xx and 3xx succeed) or tcpSocket
 * against the pod's address, after the initial delay, every period, with the probe's timeout, and a verdict that
 * changes only after {@code successThreshold} successes or {@code failureThreshold} failures in a row. A container
 * without the probe counts as passing it. exec probes are not supported and always fail, so they cannot hide a
 * problem.
 */
final class ProbeRunner {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1))
            .followRedirects(HttpClient.Redirect.NEVER).build();

    private final Probe probe;
    private final Container container;
    private final String podIp;
    private final long periodNanos;
    private final long startedAt;
    private long nextAt;
    private int successes;
    private int failures;
    private boolean passing;

    /**
     * @param longestPeriod a cap on the probe's period (the local control plane probes readiness more often than
     *                      a pod asks, so that tests see it change in seconds)
     * @param initially     the verdict before the first probe: false for readiness, true for liveness
     */
    ProbeRunner(Probe probe, Container container, String podIp, Duration longestPeriod, boolean initially) {
        this.probe = probe;
        this.container = container;
        this.podIp = podIp;
        long period = Duration.ofSeconds(probe == null || probe.getPeriodSeconds() == null ? 10
                : probe.getPeriodSeconds()).toNanos();
        this.periodNanos = Math.min(period, longestPeriod.toNanos());
        this.startedAt = System.nanoTime();
        long delay = probe == null || probe.getInitialDelaySeconds() == null ? 0
                : Duration.ofSeconds(probe.getInitialDelaySeconds()).toNanos();
        this.nextAt = startedAt + delay;
        this.passing = probe == null || initially;
    }

    /** Probes when due and returns the current verdict. */
    boolean poll() {
        if (probe == null) {
            return true;
        }
        long now = System.nanoTime();
        if (now - nextAt < 0) {
            return passing;
        }
        nextAt = now + periodNanos;
        if (probeOnce()) {
            failures = 0;
            successes++;
            if (successes >= threshold(probe.getSuccessThreshold())) {
                passing = true;
            }
        } else {
            successes = 0;
            failures++;
            if (failures >= Math.max(1, probe.getFailureThreshold() == null ? 3 : probe.getFailureThreshold())) {
                passing = false;
            }
        }
        return passing;
    }

    private static int threshold(Integer value) {
        return value == null ? 1 : Math.max(1, value);
    }

    private boolean probeOnce() {
        Duration timeout = Duration.ofSeconds(probe.getTimeoutSeconds() == null ? 1 : probe.getTimeoutSeconds());
        try {
            if (probe.getHttpGet() != null) {
                var get = probe.getHttpGet();
                String host = get.getHost() == null || get.getHost().isBlank() ? podIp : get.getHost();
                String scheme = get.getScheme() == null ? "http" : get.getScheme().toLowerCase();
                String path = get.getPath() == null ? "/" : get.getPath();
                URI uri = URI.create(scheme + "://" + host + ":" + port(get.getPort()) + path);
                HttpResponse<Void> response = HTTP.send(HttpRequest.newBuilder(uri).timeout(timeout).GET().build(),
                        HttpResponse.BodyHandlers.discarding());
                return response.statusCode() >= 200 && response.statusCode() < 400;
            }
            if (probe.getTcpSocket() != null) {
                String host = probe.getTcpSocket().getHost() == null ? podIp : probe.getTcpSocket().getHost();
                try (Socket socket = new Socket()) {
                    socket.connect(new InetSocketAddress(host, port(probe.getTcpSocket().getPort())),
                            (int) timeout.toMillis());
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private int port(IntOrString port) {
        if (port.getIntVal() != null) {
            return port.getIntVal();
        }
        if (container.getPorts() != null) {
            for (ContainerPort named : container.getPorts()) {
                if (port.getStrVal().equals(named.getName())) {
                    return named.getContainerPort();
                }
            }
        }
        throw new IllegalStateException("probe of container " + container.getName() + " names port "
                + port.getStrVal() + ", which the container does not declare");
    }
}
