package dev.claudesse.metrics;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.claudesse.claude.Usage;
import dev.claudesse.models.ModelTable;
import dev.claudesse.store.AnswerStatus;
import dev.claudesse.stream.Monitor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Monitor calls in, the Prometheus text out: the series, their labels and their values. */
class MicrometerMonitorTest {

    private static final String SONNET = "claude-sonnet-4-5";

    private Metrics metrics;
    private Monitor monitor;

    @BeforeEach
    void start() throws IOException {
        ModelTable table = ModelTable.load(new ObjectMapper(), null);
        metrics = new Metrics(MetricsAccess.of(MetricsAccess.DEFAULT_ALLOW, null),
                new Labels(table, Set.of("my-own-model")));
        monitor = metrics.monitor();
    }

    @AfterEach
    void close() {
        metrics.close();
    }

    @Test
    void answersStartedAndEndedAreCountedByModelDialectAndStatus() throws IOException {
        for (int i = 0; i < 3; i++) {
            monitor.started(SONNET, "product");
            monitor.ended(ending(SONNET + "-20250929", "product", AnswerStatus.COMPLETE, Usage.NONE, null));
        }
        monitor.started(SONNET, "messages");
        monitor.ended(ending(SONNET, "messages", AnswerStatus.STOPPED, Usage.NONE, null));

        String text = scrape();
        assertEquals(3.0, value(text, "claude_sse_answers_started_total", "dialect", "product", "model", SONNET));
        assertEquals(1.0, value(text, "claude_sse_answers_started_total", "dialect", "messages", "model", SONNET));
        // the dated id Claude reports is counted under the table's id, like the requested model
        assertEquals(3.0, value(text, "claude_sse_answers_ended_total", "dialect", "product", "model", SONNET,
                "status", "complete"));
        assertEquals(0.0, value(text, "claude_sse_answers_ended_total", "dialect", "product", "model", SONNET,
                "status", "error"), "every end is there from the first answer on, at 0");
        assertEquals(1.0, value(text, "claude_sse_answers_ended_total", "dialect", "messages", "model", SONNET,
                "status", "stopped"));
        assertFalse(text.contains("status=\"streaming\""), "streaming is no end");
    }

    @Test
    void firstTokenAndDurationAreHistogramsWithBuckets() throws IOException {
        monitor.firstToken(SONNET, "product", Duration.ofMillis(300));
        monitor.firstToken(SONNET, "product", Duration.ofMillis(1500));
        monitor.ended(ending(SONNET, "product", AnswerStatus.COMPLETE, Usage.NONE, null));

        String text = scrape();
        String series = "claude_sse_answer_first_token_seconds";
        assertEquals(2.0, value(text, series + "_count", "dialect", "product", "model", SONNET));
        assertEquals(1.8, value(text, series + "_sum", "dialect", "product", "model", SONNET), 1e-9);
        assertEquals(2.0, value(text, series + "_bucket", "dialect", "product", "model", SONNET, "le", "+Inf"));
        List<String> buckets = lines(text, series + "_bucket{");
        assertTrue(buckets.size() > 10 && buckets.size() < 70, "a bounded number of buckets: " + buckets.size());
        assertEquals(1.0, bucketAt(buckets, 1.0), "one first token within a second");
        assertTrue(text.contains("# TYPE " + series + " histogram"), "a Prometheus histogram");
        assertEquals(1.0, value(text, "claude_sse_answer_duration_seconds_count", "dialect", "product", "model", SONNET));
    }

    @Test
    void tokensByKindAndUsdByModel() throws IOException {
        Usage usage = new Usage(100, 50, 30, 0, 0, 20);
        monitor.ended(ending(SONNET, "product", AnswerStatus.COMPLETE, usage, new BigDecimal("0.001234")));
        monitor.ended(ending(SONNET, "product", AnswerStatus.COMPLETE, usage, new BigDecimal("0.000766")));

        String text = scrape();
        assertEquals(200.0, value(text, "claude_sse_tokens_total", "kind", "input", "model", SONNET));
        assertEquals(100.0, value(text, "claude_sse_tokens_total", "kind", "output", "model", SONNET));
        assertEquals(60.0, value(text, "claude_sse_tokens_total", "kind", "cache_creation", "model", SONNET));
        assertEquals(40.0, value(text, "claude_sse_tokens_total", "kind", "cache_read", "model", SONNET));
        assertEquals(0.002, value(text, "claude_sse_cost_usd_total", "model", SONNET), 1e-12);
    }

    @Test
    void iterationsCountTokensAtTheirOwnModel() throws IOException {
        Usage advisor = new Usage(7, 3, 0, 0, 0, 0);
        Usage own = new Usage(10, 5, 0, 0, 0, 0);
        Usage usage = new Usage(999, 999, 0, 0, 0, 0, 0, null, null, List.of(
                new Usage.Iteration("message", null, own), new Usage.Iteration("advisor", "claude-opus-5-5", advisor)));
        monitor.ended(ending(SONNET, "product", AnswerStatus.COMPLETE, usage, null));

        String text = scrape();
        assertEquals(10.0, value(text, "claude_sse_tokens_total", "kind", "input", "model", SONNET));
        assertEquals(7.0, value(text, "claude_sse_tokens_total", "kind", "input", "model", "claude-opus-5-5"));
    }

    @Test
    void errorsRetriesAndRefusalsHaveBoundedLabels() throws IOException {
        monitor.upstreamError(SONNET, "overloaded_error");
        monitor.upstreamError(SONNET, "http_529");
        monitor.upstreamError(SONNET, "some new error type " + "x".repeat(50));
        monitor.retrying(SONNET, "overloaded_error");
        monitor.retrying(SONNET, "connection_failed");
        monitor.retrying(SONNET, null);
        monitor.refused(429, "too_many_answers");
        monitor.refused(429, "server_busy");
        monitor.refused(402, "budget_exceeded");
        monitor.refused(400, "invalid_request");
        monitor.refused(413, "body_too_large");
        monitor.refused(401, "invalid_api_key");
        monitor.refused(503, "store_unavailable");

        String text = scrape();
        assertEquals(1.0, value(text, "claude_sse_upstream_errors_total", "model", SONNET, "type", "overloaded_error"));
        assertEquals(1.0, value(text, "claude_sse_upstream_errors_total", "model", SONNET, "type", "http_529"));
        assertEquals(1.0, value(text, "claude_sse_upstream_errors_total", "model", SONNET, "type", "other"));
        assertEquals(1.0, value(text, "claude_sse_retries_total", "model", SONNET, "reason", "connection_failed"));
        assertEquals(1.0, value(text, "claude_sse_retries_total", "model", SONNET, "reason", "other"));
        assertEquals(2.0, value(text, "claude_sse_refusals_total", "reason", "limit"));
        assertEquals(1.0, value(text, "claude_sse_refusals_total", "reason", "budget"));
        assertEquals(2.0, value(text, "claude_sse_refusals_total", "reason", "bad_input"));
        assertEquals(1.0, value(text, "claude_sse_refusals_total", "reason", "auth"));
        assertEquals(1.0, value(text, "claude_sse_refusals_total", "reason", "unavailable"));
        assertEquals(0.0, value(text, "claude_sse_refusals_total", "reason", "other"));
    }

    @Test
    void unknownModelsShareOneLabelAndManyNamesGrowNoSeries() throws IOException {
        monitor.started("my-own-model", "product"); // configured by the operator: named
        for (int i = 0; i < 1000; i++) {
            monitor.started("made-up-" + i, "dialect-" + (i % 3));
        }
        monitor.started(null, null);

        String text = scrape();
        assertEquals(1.0, value(text, "claude_sse_answers_started_total", "dialect", "product", "model", "my-own-model"));
        assertEquals(334.0, value(text, "claude_sse_answers_started_total", "dialect", "dialect-0", "model", "other"));
        assertEquals(1.0, value(text, "claude_sse_answers_started_total", "dialect", "other", "model", "other"));
        assertEquals(5, lines(text, "claude_sse_answers_started_total{").size());
        assertFalse(text.contains("made-up"));
    }

    @Test
    void jvmAndAppGaugesAreThere() throws IOException {
        metrics.gauge("claude_sse.answers.running", "running", () -> 2);
        String text = scrape();
        assertEquals(2.0, value(text, "claude_sse_answers_running"));
        for (String name : List.of("jvm_memory_used_bytes", "jvm_gc_", "jvm_threads_live_threads",
                "system_cpu_count", "jvm_classes_loaded_classes", "process_uptime_seconds")) {
            assertTrue(text.contains("\n" + name), name + " missing from\n" + text);
        }
    }

    @Test
    void twoInstancesDoNotShareARegistry() throws IOException {
        Metrics other = new Metrics(MetricsAccess.of("none", null), new Labels(ModelTable.load(new ObjectMapper(), null),
                Set.of()));
        try {
            other.monitor().started(SONNET, "product");
            assertFalse(scrape().contains("claude_sse_answers_started_total{"));
        } finally {
            other.close();
        }
    }

    private static Monitor.Ending ending(String model, String dialect, AnswerStatus status, Usage usage, BigDecimal cost) {
        return new Monitor.Ending(model, dialect, status, status == AnswerStatus.COMPLETE ? "end_turn" : null, null,
                usage, cost, false, Duration.ofSeconds(2));
    }

    private String scrape() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        metrics.scrape(out);
        return out.toString(StandardCharsets.UTF_8);
    }

    /** The value of the one series with exactly these labels (name, value pairs, in the exposition's order). */
    static double value(String text, String name, String... labels) {
        StringBuilder series = new StringBuilder(name);
        if (labels.length > 0) {
            series.append('{');
            for (int i = 0; i < labels.length; i += 2) {
                series.append(i == 0 ? "" : ",").append(labels[i]).append("=\"").append(labels[i + 1]).append('"');
            }
            series.append('}');
        }
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series.toString()) + " (\\S+)$").matcher(text);
        assertTrue(m.find(), series + " missing from\n" + text);
        return Double.parseDouble(m.group(1));
    }

    private static List<String> lines(String text, String prefix) {
        return text.lines().filter(l -> l.startsWith(prefix)).toList();
    }

    /** The count of the bucket with the largest bound not above le. */
    private static double bucketAt(List<String> buckets, double le) {
        double count = 0;
        Pattern bound = Pattern.compile("le=\"([^\"]+)\"\\S* (\\S+)$");
        for (String line : buckets) {
            Matcher m = bound.matcher(line);
            if (m.find() && !m.group(1).equals("+Inf") && Double.parseDouble(m.group(1)) <= le) {
                count = Double.parseDouble(m.group(2));
            }
        }
        return count;
    }
}
