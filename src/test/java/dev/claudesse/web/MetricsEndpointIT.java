package dev.claudesse.web;

import dev.claudesse.testsupport.Browser;
import dev.claudesse.testsupport.EmbeddedApp;
import dev.claudesse.testsupport.EventStreamReader;
import dev.claudesse.testsupport.NginxServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;

import static dev.claudesse.testsupport.Events.json;
import static dev.claudesse.testsupport.Events.last;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * api/metrics on embedded Tomcat: open to loopback by default, but not to requests forwarded by a proxy
 * (Debian's nginx with the project's configuration, itself on loopback), 403 in the product's shape to an
 * address the setting does not list, and each app with its own registry even in one JVM.
 */
class MetricsEndpointIT {

    static final Duration T = Duration.ofSeconds(10);

    static EmbeddedApp open;
    static EmbeddedApp closed;

    @BeforeAll
    static void start() throws Exception {
        open = EmbeddedApp.start(0, Map.of("CLAUDE_SSE_DEMO_DELAY_MS", "1",
                "CLAUDE_SSE_DATA_DIR", Files.createTempDirectory("metrics-open").toString()));
        closed = EmbeddedApp.start(0, Map.of("CLAUDE_SSE_METRICS_ALLOW", "10.0.0.0/8",
                "CLAUDE_SSE_DATA_DIR", Files.createTempDirectory("metrics-closed").toString()), "/closed");
    }

    @AfterAll
    static void stop() throws Exception {
        open.close();
        closed.close();
    }

    @Test
    void loopbackReadsThePrometheusTextByDefault() throws Exception {
        HttpResponse<String> response = new Browser(open.baseUri()).send("GET", "api/metrics", null, null);
        assertEquals(200, response.statusCode(), response.body());
        assertEquals("text/plain;version=0.0.4;charset=utf-8",
                response.headers().firstValue("content-type").orElseThrow().replace(" ", "").toLowerCase());
        assertEquals("no-store", response.headers().firstValue("cache-control").orElseThrow());
        for (String family : new String[] {"claude_sse_answers_running gauge", "claude_sse_streams_open gauge",
                "claude_sse_store_reachable gauge", "claude_sse_store_pending_writes gauge",
                "claude_sse_refusals_total counter", "jvm_memory_used_bytes gauge", "jvm_threads_live_threads gauge"}) {
            assertTrue(response.body().contains("# TYPE " + family), family + " missing:\n" + response.body());
        }
    }

    @Test
    void anAnswerIsCountedByTheAppThatServedItOnly() throws Exception {
        Browser browser = new Browser(open.baseUri());
        try (EventStreamReader stream = browser.chat("{\"message\":\"Hello\"}")) {
            assertEquals("done", last(stream.readToEnd(T)).type());
        }
        String text = browser.send("GET", "api/metrics", null, null).body();
        assertTrue(Pattern.compile("(?m)^claude_sse_answers_ended_total\\{dialect=\"product\",model=\"[a-z0-9.-]+\","
                + "status=\"complete\"} 1\\.0$").matcher(text).find(), text);
        assertTrue(Pattern.compile("(?m)^claude_sse_answer_first_token_seconds_count\\{dialect=\"product\","
                + "model=\"[a-z0-9.-]+\"} 1$").matcher(text).find(), text);

        String other = new Browser(closed.baseUri()).send("GET", "api/health", null, null).body();
        assertEquals(0, json(other).path("runningAnswers").asInt(), other);
        // the other app's registry is its own: read it through its Metrics, its endpoint is closed to us
        App closedApp = App.from(closed.context().getServletContext());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        closedApp.metrics.scrape(out);
        assertFalse(out.toString().contains("claude_sse_answers_started_total{"), out.toString());
    }

    @Test
    void anAddressTheSettingDoesNotListGets403InTheProductsShape() throws Exception {
        HttpResponse<String> response = new Browser(closed.baseUri()).send("GET", "api/metrics", null, null);
        assertEquals(403, response.statusCode());
        assertEquals("forbidden", json(response.body()).path("error").path("type").asText(), response.body());
        assertFalse(response.body().contains("claude_sse"), response.body());
        assertFalse(response.body().contains("127.0.0.1"), "the refusal names no address");
    }

    @Test
    void throughNginxOnTheSameMachineLoopbackIsNotEnough() throws Exception {
        try (NginxServer nginx = NginxServer.start(open.port())) {
            Browser browser = new Browser(nginx.baseUri());
            assertEquals(200, browser.send("GET", "api/health", null, null).statusCode(), "nginx reaches the app");
            HttpResponse<String> response = browser.send("GET", "api/metrics", null, null);
            assertEquals(403, response.statusCode(), response.body());
            assertEquals("forbidden", json(response.body()).path("error").path("type").asText(), response.body());
        }
    }

    @Test
    void onlyGetAndHead() throws Exception {
        Browser browser = new Browser(open.baseUri());
        HttpResponse<String> head = browser.send("HEAD", "api/metrics", null, null);
        assertEquals(200, head.statusCode());
        assertEquals("", head.body());
        HttpResponse<String> post = browser.send("POST", "api/metrics", "text/plain", "x");
        assertEquals(405, post.statusCode());
        assertEquals("method_not_allowed", json(post.body()).path("error").path("type").asText());
    }
}
