package dev.claudesse.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Debian's real Prometheus, scraping one target every second: a generated prometheus.yml (job
 * "claude-sse", the app's metrics path, the bearer token in a file as an operator would keep it), its
 * database under target/it/, its web API on a free port of 127.0.0.1. Tests ask it questions in PromQL,
 * so what they check is what Prometheus itself read from the app.
 */
public final class PrometheusServer implements AutoCloseable {

    public static final String BINARY = "/usr/bin/prometheus";
    public static final String JOB = "claude-sse";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final int port;
    private final ServerProcess process;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private PrometheusServer(int port, ServerProcess process) {
        this.port = port;
        this.process = process;
    }

    /** Skips (or fails in CI) when Prometheus is not installed: call it before starting anything else. */
    public static Path require() {
        return SystemTool.require(BINARY, "Prometheus");
    }

    /**
     * Starts Prometheus scraping target (e.g. http://127.0.0.1:8080/) at metricsPath every second, with
     * bearerToken (null for none); returns once it is ready.
     */
    public static PrometheusServer start(URI target, String metricsPath, String bearerToken)
            throws IOException, InterruptedException {
        Path binary = require();
        Path dir = Distributions.freshDirectory("prometheus");
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, config(dir, target, metricsPath, bearerToken), StandardCharsets.UTF_8);
        int port = FreePort.pick();
        ServerProcess process = ServerProcess.start("prometheus",
                List.of(binary.toString(), "--config.file=" + config,
                        "--storage.tsdb.path=" + dir.resolve("data"),
                        "--web.listen-address=127.0.0.1:" + port,
                        "--log.level=info"),
                dir, Map.of(), dir.resolve("console.log"));
        PrometheusServer server = new PrometheusServer(port, process);
        try {
            process.awaitOk(server.baseUri().resolve("-/ready"), Duration.ofSeconds(30));
        } catch (AssertionError | InterruptedException e) {
            process.close();
            throw e;
        }
        return server;
    }

    private static String config(Path dir, URI target, String metricsPath, String bearerToken) throws IOException {
        String auth = "";
        if (bearerToken != null) {
            Path tokenFile = dir.resolve("metrics.token");
            Files.writeString(tokenFile, bearerToken, StandardCharsets.UTF_8);
            auth = """
                        authorization:
                          type: Bearer
                          credentials_file: %s
                    """.formatted(tokenFile);
        }
        return """
                global:
                  scrape_interval: 1s
                  scrape_timeout: 1s
                  evaluation_interval: 1s
                scrape_configs:
                  - job_name: %s
                    metrics_path: %s
                    scheme: %s
                    static_configs:
                      - targets: ['%s:%d']
                %s""".formatted(JOB, metricsPath, target.getScheme(), target.getHost(), target.getPort(), auth);
    }

    public URI baseUri() {
        return URI.create("http://127.0.0.1:" + port + "/");
    }

    public ServerProcess process() {
        return process;
    }

    /** The result of an instant PromQL query: Prometheus's data.result (a vector: [{metric, value}]). */
    public JsonNode query(String promql) throws IOException, InterruptedException {
        URI uri = baseUri().resolve("api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode body = JSON.readTree(response.body());
        if (response.statusCode() != 200 || !"success".equals(body.path("status").asText())) {
            throw new AssertionError("Prometheus refused " + promql + ": " + response.statusCode() + " " + response.body());
        }
        return body.path("data").path("result");
    }

    /** The value of a query whose result is one sample (e.g. a sum), or NaN when it has none yet. */
    public double scalar(String promql) throws IOException, InterruptedException {
        JsonNode result = query(promql);
        return result.isEmpty() ? Double.NaN : Double.parseDouble(result.get(0).path("value").get(1).asText());
    }

    /** How the scrape target is doing (health, lastError), to explain a failed wait. */
    public String targets() throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(baseUri().resolve("api/v1/targets"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        return response.body();
    }

    @Override
    public void close() throws InterruptedException {
        if (!process.stopGracefully(Duration.ofSeconds(10))) {
            process.close();
        }
    }
}
