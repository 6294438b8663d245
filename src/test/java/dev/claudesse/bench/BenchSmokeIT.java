package dev.claudesse.bench;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The CI smoke of the benchmark harness: BenchClaude and the app (the dev server's main class) run as their own
 * processes, as in bench/run; the load client runs the smoke level in-process. Proves every answer arrives whole
 * through the app and that every figure of the report can be measured. It times nothing.
 */
class BenchSmokeIT {

    private static final File APP_LOG = new File("target/bench-smoke-app.log");

    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void stopProcesses() throws InterruptedException {
        for (Process process : processes) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    @Test
    void smokeLevelRelaysEveryChunkAndMeasuresEveryFigure() throws Exception {
        int fakePort = startFake();
        int appPort = freePort();
        Process app = start(new ProcessBuilder(java(), "-cp", System.getProperty("java.class.path"),
                "dev.claudesse.dev.DevServer"), Map.of(
                "PORT", String.valueOf(appPort),
                "ANTHROPIC_BASE_URL", "http://127.0.0.1:" + fakePort,
                "ANTHROPIC_API_KEY", "bench-key",
                "CLAUDE_SSE_MAX_ANSWERS_PER_OWNER", "100000",
                "CLAUDE_SSE_MAX_ANSWERS", "100000",
                "CLAUDE_SSE_DATA_DIR", freshDataDir().toString()), APP_LOG);
        awaitHealth(app, appPort);

        BenchLevel level = BenchLevel.SMOKE;
        LoadReport report = new LoadClient().run(LoadOptions.of(level,
                "http://127.0.0.1:" + appPort, "http://127.0.0.1:" + fakePort, app.pid()));
        System.out.print(report.table());

        assertEquals(level.answers, report.get("completed"), report.toJson());
        assertEquals(0, report.get("failed"), report.toJson());
        assertEquals((long) level.answers * level.deltas, report.get("chunks"), report.toJson());
        for (String latency : List.of("headersP50Ms", "headersP99Ms", "firstChunkP50Ms", "firstChunkP99Ms",
                "delayP50Ms", "delayP90Ms", "delayP99Ms", "delayMaxMs", "chunksPerSecond")) {
            Object value = report.get(latency);
            assertNotNull(value, latency + " missing: " + report.toJson());
            assertTrue((Double) value > 0, latency + " not positive: " + report.toJson());
        }
        for (String figure : List.of("appCpuUsPerChunk", "appKbPerStream", "appCpuMs", "fakeCpuMs", "clientCpuMs")) {
            assertNotNull(report.get(figure), figure + " missing: " + report.toJson());
        }
    }

    /** Fails at once, with the app's output, if the app exits instead of answering its health check. */
    private static void awaitHealth(Process app, int port) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/health"))
                .timeout(Duration.ofSeconds(5)).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!app.isAlive()) {
                fail("the app exited with " + app.exitValue() + ":\n" + Files.readString(APP_LOG.toPath()));
            }
            try {
                if (http.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        fail("no 200 from /api/health within 60 s:\n" + Files.readString(APP_LOG.toPath()));
    }

    /** Starts BenchClaude on a free port and returns the port it prints. */
    private int startFake() throws IOException {
        Process fake = start(new ProcessBuilder(java(), "-cp", System.getProperty("java.class.path"),
                "dev.claudesse.bench.BenchClaude", "--port", "0"), Map.of(), null);
        BufferedReader out = new BufferedReader(new InputStreamReader(fake.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        assertNotNull(line, "BenchClaude printed nothing");
        assertTrue(line.startsWith("BenchClaude listening on 127.0.0.1:"), line);
        return Integer.parseInt(line.split(" ")[3].split(":")[1]);
    }

    private Process start(ProcessBuilder builder, Map<String, String> env, File log) throws IOException {
        builder.environment().putAll(env);
        builder.redirectErrorStream(true);
        if (log != null) {
            builder.redirectOutput(log);
        }
        Process process = builder.start();
        processes.add(process);
        return process;
    }

    private static String java() {
        return System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    }

    /** The app's own empty database, not the developer's ./data. */
    private static Path freshDataDir() throws IOException {
        Path target = Files.createDirectories(Path.of("target"));
        return Files.createTempDirectory(target, "bench-smoke-data-").toAbsolutePath();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
