package dev.claudesse.deploy;

import dev.claudesse.fake.FakeClaude;
import dev.claudesse.fake.Gate;
import dev.claudesse.fake.Script;
import dev.claudesse.fake.TranscriptFacts;
import dev.claudesse.testsupport.Browser;
import dev.claudesse.testsupport.EmbeddedApp;
import dev.claudesse.testsupport.EventStreamReader;
import dev.claudesse.testsupport.ResumeScenario;
import dev.claudesse.testsupport.EventStreamReader.Event;
import dev.claudesse.testsupport.NginxServer;
import dev.claudesse.testsupport.ServerLogOnFailure;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static dev.claudesse.testsupport.Events.json;
import static dev.claudesse.testsupport.Events.last;
import static dev.claudesse.testsupport.Events.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Debian's nginx with the project's nginx/claude-sse.conf in front of the app (embedded Tomcat): events
 * pass through at once, resume works, and an oversized body is refused with the app's JSON error.
 */
class NginxProxyIT {

    static final Duration T = Duration.ofSeconds(10);
    static final int MEASURED_CHUNKS = 20;

    static FakeClaude fake;
    static EmbeddedApp app;
    static NginxServer nginx;
    Browser browser;

    @RegisterExtension
    static final ServerLogOnFailure showLog = new ServerLogOnFailure(() -> nginx == null ? null : nginx.process());

    @BeforeAll
    static void start() throws Exception {
        fake = FakeClaude.start();
        app = EmbeddedApp.start(0, Map.of(
                "ANTHROPIC_API_KEY", "sk-ant-test-nginx",
                "ANTHROPIC_BASE_URL", fake.baseUrl().toString()));
        nginx = NginxServer.start(app.port());
    }

    @AfterAll
    static void stop() throws Exception {
        if (nginx != null) {
            nginx.close();
        }
        if (app != null) {
            app.close();
        }
        fake.close();
    }

    @BeforeEach
    void newBrowser() {
        browser = new Browser(nginx.baseUri());
    }

    @Test
    void theFirstChunkArrivesWhileTheAnswerIsStillStreamingUncompressed() throws Exception {
        Gate gate = new Gate();
        fake.enqueue(Script.transcript("long_text").gated(gate, 2));
        // Browsers ask for gzip, and this nginx compresses every type: the stream must still come plain.
        HttpRequest request = HttpRequest.newBuilder(nginx.baseUri().resolve("api/chat"))
                .header("Content-Type", "application/json").header("Accept-Encoding", "gzip")
                .POST(HttpRequest.BodyPublishers.ofString("{\"message\":\"hi\"}")).build();
        try (EventStreamReader stream = EventStreamReader.open(browser.http(), request)) {
            assertEquals(200, stream.status());
            assertTrue(stream.headers().firstValue("content-encoding").isEmpty(), stream.headers().toString());
            assertEquals("start", stream.nextNonPing(T).type());
            gate.release();
            assertEquals("chunk", stream.nextNonPing(T).type());
            assertTrue(gate.sent() <= 3, "the chunk came through before Claude sent the next delta");
            gate.open();
            assertEquals("done", last(stream.readToEnd(T)).type());
        }
    }

    @Test
    void eachChunkCrossesNginxWithinMilliseconds() throws Exception {
        Gate gate = new Gate();
        fake.enqueue(Script.transcript("long_text").gated(gate, 2));
        long[] delays = new long[MEASURED_CHUNKS];
        try (EventStreamReader stream = browser.chat("{\"message\":\"hi\"}")) {
            assertEquals("start", stream.nextNonPing(T).type());
            for (int i = 0; i < MEASURED_CHUNKS; i++) {
                gate.release();
                Event chunk = stream.nextNonPing(T);
                assertEquals("chunk", chunk.type());
                int part = 3 + i;
                gate.awaitSent(part, T); // the fake counts a part once its flush returned, maybe after we got it
                assertTrue(gate.sent() <= part, "the chunk came through before Claude sent the next delta");
                delays[i] = chunk.receivedNanos() - gate.sentAtNanos(part);
            }
            gate.open();
            stream.readToEnd(T);
        }
        Arrays.sort(delays);
        double medianMs = delays[MEASURED_CHUNKS / 2] / 1e6;
        double p99Ms = delays[(int) Math.ceil(MEASURED_CHUNKS * 0.99) - 1] / 1e6;
        System.out.printf("nginx: delay from Claude's send to the browser over %d chunks: median %.2f ms, p99 %.2f ms%n",
                MEASURED_CHUNKS, medianMs, p99Ms);
        // Correctness bounds, not a benchmark: a buffering proxy holds chunks for seconds or until the end (and
        // then the next release never comes: each chunk is released only once the one before arrived). The
        // median shows the path; the p99 bound is loose, since a busy machine can pause any one chunk.
        assertTrue(medianMs < 50, "median " + medianMs + " ms");
        assertTrue(p99Ms < 2000, "p99 " + p99Ms + " ms");
    }

    @Test
    void resumeThroughNginxReplaysAfterTheLastIdThenFollowsLive() throws Exception {
        List<Event> seen = ResumeScenario.run(browser, fake, 2, 2, T).events();
        assertEquals(TranscriptFacts.of("long_text").text(), text(seen));
        assertEquals("done", last(seen).type());
    }

    @Test
    void aBodyOverTheLimitIsRefusedByNginxWithTheAppsJsonError() throws Exception {
        int before = fake.requests().size();
        String body = "{\"message\":\"" + "x".repeat(1_100_000) + "\"}";
        HttpResponse<String> response = browser.send("POST", "api/chat", "application/json", body);
        assertEquals(413, response.statusCode());
        assertTrue(response.headers().firstValue("content-type").orElse("").startsWith("application/json"),
                response.headers().toString());
        assertEquals("body_too_large", json(response.body()).path("error").path("type").asText(), response.body());
        assertEquals(before, fake.requests().size(), "nothing reached Claude");
    }

    @Test
    void aLargeBodyUnderTheLimitPassesThrough() throws Exception {
        fake.enqueue(Script.transcript("plain_text"));
        String message = "y".repeat(300_000); // larger than nginx's in-memory body buffer: written to its temp dir
        try (EventStreamReader stream = browser.chat("{\"message\":\"" + message + "\"}")) {
            assertEquals(200, stream.status());
            assertEquals("done", last(stream.readToEnd(T)).type());
        }
        assertEquals(message, json(last(fake.requests()).body()).path("messages").get(0).path("content").asText());
    }
}
