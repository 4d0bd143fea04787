package dev.cairn.kvnode.api;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The HTTP side of a member, as etcd's {@code --listen-metrics-urls} serves it: {@code /health} for probes,
 * {@code /metrics} in the Prometheus text format and {@code /version} (etcd serves it on its client URLs too; here
 * the client URLs speak gRPC only).
 */
public final class HttpEndpoints implements AutoCloseable {
    private final HttpServer server;

    private HttpEndpoints(HttpServer server) {
        this.server = server;
    }

    /**
     * @param health  answers null when the member is healthy, or the reason it is not
     * @param version what {@code /version} answers
     * @param faults  when given (fault tests only), also serves {@code POST /debug/peer-faults?isolate=<member id in
     *                hex>}, {@code ?heal=<id>} and {@code ?heal=all}; null otherwise
     */
    public static HttpEndpoints start(InetSocketAddress address, Supplier<String> health,
            Supplier<VersionReport> version, PrometheusMeterRegistry metrics, PeerFaultControl faults)
            throws IOException {
        HttpServer server = HttpServer.create(address, 0);
        if (faults != null) {
            server.createContext("/debug/peer-faults", exchange -> answerFaults(exchange, faults));
        }
        server.createContext("/health", exchange -> answerHealth(exchange, health.get()));
        server.createContext("/version", exchange -> respond(exchange, 200, "application/json",
                version.get().toJson()));
        server.createContext("/metrics", exchange -> respond(exchange, 200,
                "text/plain; version=0.0.4; charset=utf-8", metrics.scrape()));
        server.setExecutor(Executors.newSingleThreadExecutor(r -> {
            Thread thread = new Thread(r, "http-" + address.getPort());
            thread.setDaemon(true);
            return thread;
        }));
        server.start();
        return new HttpEndpoints(server);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private static void answerHealth(HttpExchange exchange, String problem) throws IOException {
        // etcd's body: {"health":"true","reason":""}; the status code is what probes look at.
        String body = problem == null
                ? "{\"health\":\"true\",\"reason\":\"\"}"
                : "{\"health\":\"false\",\"reason\":\"" + problem.replace("\"", "'") + "\"}";
        respond(exchange, problem == null ? 200 : 503, "application/json", body);
    }

    private static void answerFaults(HttpExchange exchange, PeerFaultControl faults) throws IOException {
        String query = exchange.getRequestURI().getQuery();
        if (!"POST".equals(exchange.getRequestMethod()) || query == null || !query.contains("=")) {
            respond(exchange, 400, "text/plain", "POST /debug/peer-faults?isolate=<id>|heal=<id>|heal=all\n");
            return;
        }
        String action = query.substring(0, query.indexOf('='));
        String target = query.substring(query.indexOf('=') + 1);
        try {
            switch (action) {
                case "isolate" -> faults.isolateFrom(Long.parseUnsignedLong(target, 16));
                case "heal" -> {
                    if ("all".equals(target)) {
                        faults.healAll();
                    } else {
                        faults.healWith(Long.parseUnsignedLong(target, 16));
                    }
                }
                default -> throw new NumberFormatException("unknown action " + action);
            }
        } catch (NumberFormatException e) {
            respond(exchange, 400, "text/plain", e.getMessage() + "\n");
            return;
        }
        respond(exchange, 200, "text/plain", "ok\n");
    }

    private static void respond(HttpExchange exchange, int status, String contentType, String body)
            throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
