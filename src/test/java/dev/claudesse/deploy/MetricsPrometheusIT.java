package dev.claudesse.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.claudesse.fake.FakeClaude;
import dev.claudesse.fake.Gate;
import dev.claudesse.fake.Script;
import dev.claudesse.testsupport.Browser;
import dev.claudesse.testsupport.Distributions;
import dev.claudesse.testsupport.EventStreamReader;
import dev.claudesse.testsupport.PostgresServer;
import dev.claudesse.testsupport.PrometheusServer;
import dev.claudesse.testsupport.ServerLogOnFailure;
import dev.claudesse.testsupport.TomcatServer;
import dev.claudesse.tokens.ApiTokens;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.DoublePredicate;

import static dev.claudesse.testsupport.Events.json;
import static dev.claudesse.testsupport.Events.last;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Debian's Prometheus scrapes the WAR on the real Tomcat distribution, as an operator would set it up with
 * a token (no address allowed), while the app serves answers from a fake Claude: three complete, one
 * stopped, one refused by Claude. What Prometheus then holds is what the dashboards would show.
 */
class MetricsPrometheusIT {

    static final String KEY = "sk-ant-test-METRICS-5151";
    static final String TOKEN = "metrics-it-token-8e41c7";
    static final Duration T = Duration.ofSeconds(10);
    /** Prometheus scrapes every second; this leaves room for a slow machine. */
    static final Duration SCRAPED = Duration.ofSeconds(30);

    FakeClaude fake;
    TomcatServer server;
    PrometheusServer prometheus;

    @RegisterExtension
    final ServerLogOnFailure tomcatLog = new ServerLogOnFailure(() -> server == null ? null : server.process());
    @RegisterExtension
    final ServerLogOnFailure prometheusLog = new ServerLogOnFailure(() -> prometheus == null ? null : prometheus.process());

    @AfterEach
    void stop() throws Exception {
        if (prometheus != null) {
            prometheus.close();
        }
        if (server != null) {
            String log = server.process().logText();
            server.close();
            assertFalse(log.contains(KEY) || log.contains(TOKEN), "a secret appeared in the server's log");
        }
        if (fake != null) {
            fake.close();
        }
    }

    @Test
    void prometheusReadsTheAnswersTheWarServed() throws Exception {
        PrometheusServer.require(); // before anything starts: skipped (or failed in CI) without it
        PostgresServer postgres = PostgresServer.shared();
        String database = postgres.createDatabase();
        fake = FakeClaude.start();
        server = TomcatServer.start("tomcat-metrics", Map.of(
                        "ANTHROPIC_API_KEY", KEY, "ANTHROPIC_BASE_URL", fake.baseUrl().toString(),
                        "CLAUDE_SSE_METRICS_ALLOW", "none",
                        "CLAUDE_SSE_METRICS_TOKEN_HASH", HexFormat.of().formatHex(ApiTokens.digest(TOKEN))),
                DeployedWarContract.jdbcProperties(postgres, database), List.of(Distributions.postgresDriverJar()));
        closedWithoutTheToken();

        prometheus = PrometheusServer.start(server.baseUri(), "/api/metrics", TOKEN);
        awaitValue("up{job=\"" + PrometheusServer.JOB + "\"}", 1.0);

        Browser browser = new Browser(server.baseUri());
        for (int i = 0; i < 3; i++) {
            fake.enqueue(Script.transcript("plain_text"));
            assertEquals("done", last(chat(browser)).type());
        }
        answerAndStop(browser);
        fake.enqueue(Script.error(400, "invalid_request_error", "messages: at least one message is required"));
        assertEquals("error", last(chat(browser)).type());

        awaitEnded(Map.of("complete", 3.0, "stopped", 1.0, "error", 1.0, "interrupted", 0.0));
        awaitValue("sum(claude_sse_answers_started_total)", 5.0);
        awaitValue("sum(claude_sse_answer_first_token_seconds_count)", 4.0); // the refused one showed no text
        awaitValue("sum(claude_sse_answer_duration_seconds_count)", 5.0);
        awaitValue("sum(claude_sse_upstream_errors_total{type=\"invalid_request_error\"})", 1.0);
        // the transcript's 25 input and 42 output tokens three times, and the stopped answer's on top
        awaitAtLeast("sum(claude_sse_tokens_total{kind=\"input\",model=\"claude-sonnet-4-5\"})", 75);
        awaitAtLeast("sum(claude_sse_tokens_total{kind=\"output\",model=\"claude-sonnet-4-5\"})", 126);
        awaitAtLeast("sum(claude_sse_cost_usd_total)", Double.MIN_VALUE);
        awaitValue("claude_sse_answers_running", 0.0);
        awaitValue("claude_sse_store_reachable", 1.0);
        awaitValue("claude_sse_store_pending_writes", 0.0);
        assertTrue(prometheus.scalar("jvm_threads_live_threads") > 0, "the JVM binders reach Prometheus");
        assertTrue(prometheus.scalar("sum(jvm_memory_used_bytes{area=\"heap\"})") > 0);
    }

    /** Neither the loopback address nor a wrong token opens the metrics when no address is allowed. */
    private void closedWithoutTheToken() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest.Builder request = HttpRequest.newBuilder(server.baseUri().resolve("api/metrics"));
        HttpResponse<String> refused = http.send(request.copy().header("Authorization", "Bearer not-" + TOKEN).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(403, refused.statusCode(), refused.body());
        assertEquals("forbidden", json(refused.body()).path("error").path("type").asText(), refused.body());
        HttpResponse<String> open = http.send(request.copy().header("Authorization", "Bearer " + TOKEN).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, open.statusCode(), open.body());
        assertEquals("text/plain;version=0.0.4;charset=utf-8",
                open.headers().firstValue("content-type").orElseThrow().replace(" ", "").toLowerCase());
    }

    private static List<EventStreamReader.Event> chat(Browser browser) throws Exception {
        try (EventStreamReader stream = browser.chat("{\"message\":\"hi\"}")) {
            assertEquals(200, stream.status());
            return stream.readToEnd(T);
        }
    }

    /** An answer stopped by its user after two chunks, as in DeployedWarContract. */
    private void answerAndStop(Browser browser) throws Exception {
        Gate gate = new Gate();
        fake.enqueue(Script.transcript("long_text").gated(gate, 2));
        try (EventStreamReader stream = browser.chat("{\"message\":\"hi\"}")) {
            String messageId = json(stream.nextNonPing(T)).path("messageId").asText();
            gate.release(2);
            assertEquals("chunk", stream.nextNonPing(T).type());
            assertEquals(200, browser.stop(messageId).statusCode());
            assertEquals("stopped", json(last(stream.readToEnd(T))).path("stopReason").asText());
        }
    }


    private void awaitEnded(Map<String, Double> expected) throws Exception {
        long deadline = System.nanoTime() + SCRAPED.toNanos();
        Map<String, Double> seen = Map.of();
        while (System.nanoTime() < deadline) {
            seen = new TreeMap<>();
            for (JsonNode sample : prometheus.query("sum by (status) (claude_sse_answers_ended_total)")) {
                seen.put(sample.path("metric").path("status").asText(),
                        Double.parseDouble(sample.path("value").get(1).asText()));
            }
            if (seen.equals(new TreeMap<>(expected))) {
                return;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("answers ended by status: expected " + new TreeMap<>(expected) + ", Prometheus has "
                + seen + "\ntargets: " + prometheus.targets());
    }

    private void awaitValue(String promql, double expected) throws Exception {
        await(promql, "", expected, seen -> seen == expected);
    }

    private void awaitAtLeast(String promql, double least) throws Exception {
        await(promql, "at least ", least, seen -> seen >= least);
    }

    private void await(String promql, String how, double value, DoublePredicate done) throws Exception {
        long deadline = System.nanoTime() + SCRAPED.toNanos();
        double seen = Double.NaN;
        while (System.nanoTime() < deadline) {
            seen = prometheus.scalar(promql);
            if (done.test(seen)) {
                return;
            }
            Thread.sleep(250);
        }
        throw new AssertionError(promql + ": expected " + how + value + ", Prometheus has " + seen
                + "\ntargets: " + prometheus.targets());
    }
}
