package dev.claudesse.web;

import dev.claudesse.fake.FakeClaude;
import dev.claudesse.fake.Gate;
import dev.claudesse.fake.Script;
import dev.claudesse.testsupport.Browser;
import dev.claudesse.testsupport.EmbeddedApp;
import dev.claudesse.testsupport.EventStreamReader;
import dev.claudesse.web.ApiTokensIT.Endpoint;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.claudesse.testsupport.Events.json;
import static dev.claudesse.testsupport.Events.last;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * POST api/drain and what a draining node answers: health 503 "draining"; every dialect's start 503 in its
 * own error shape with Retry-After, before Claude is asked; while the answer that was running goes on, and
 * its resume works. (The drain of a stop, under nginx and load: deploy.NginxRollingRestartIT.)
 */
class DrainIT {

    static final Duration T = Duration.ofSeconds(10);
    static FakeClaude fake;
    static EmbeddedApp app;
    static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void start() throws Exception {
        fake = FakeClaude.start();
        app = EmbeddedApp.start(0, Map.of("ANTHROPIC_API_KEY", "sk-ant-test-drain",
                "ANTHROPIC_BASE_URL", fake.baseUrl().toString(), "CLAUDE_SSE_DRAIN_SECONDS", "5"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (app != null) {
            app.close();
        }
        fake.close();
    }

    @Test
    void aDrainedNodeRefusesNewAnswersInEveryDialectAndLetsTheRunningOneEnd() throws Exception {
        Browser browser = new Browser(app.baseUri());
        Gate gate = new Gate();
        fake.enqueue(Script.transcript("long_text").gated(gate, 2));
        try (EventStreamReader running = browser.chat("{\"message\":\"before the drain\"}")) {
            String messageId = json(running.nextNonPing(T)).path("messageId").asText();
            gate.release();
            assertEquals("chunk", running.nextNonPing(T).type());

            // like api/metrics: a request a proxy forwarded is not the operator's, even from loopback
            assertEquals(403, send("POST", "api/drain", null, Map.of("X-Forwarded-For", "203.0.113.9")).statusCode());
            assertEquals(200, send("GET", "api/health", null, Map.of()).statusCode(), "not drained by a refusal");

            HttpResponse<String> drain = send("POST", "api/drain", null, Map.of());
            assertEquals(200, drain.statusCode(), drain.body());
            assertEquals("draining", json(drain.body()).path("status").asText());
            assertEquals(1, json(drain.body()).path("runningAnswers").asInt(), drain.body());
            assertEquals(5, json(drain.body()).path("drainSeconds").asInt(), drain.body());

            HttpResponse<String> health = send("GET", "api/health", null, Map.of());
            assertEquals(503, health.statusCode(), health.body());
            assertEquals("draining", json(health.body()).path("status").asText(), health.body());
            assertEquals(1, json(health.body()).path("runningAnswers").asInt(), health.body());

            int asked = fake.requests().size();
            for (Endpoint endpoint : ApiTokensIT.answerEndpoints().toList()) {
                HttpResponse<String> refused = send("POST", endpoint.path(), endpoint.body().apply("during the drain"),
                        Map.of());
                assertEquals(503, refused.statusCode(), endpoint + " " + refused.body());
                assertEquals("2", refused.headers().firstValue("Retry-After").orElse(null), endpoint.toString());
                String[] error = AbuseLimitsIT.refusal(endpoint, refused);
                String expected = switch (endpoint.path()) {
                    case "v1/messages" -> "api_error"; // what Claude's SDKs retry, after Retry-After
                    default -> "draining";
                };
                assertTrue(error[0].equals(expected) || error[0].endsWith("/" + expected), endpoint + " " + refused.body());
                assertTrue(error[1].contains("takes no new answers"), endpoint + " " + refused.body());
            }
            assertEquals(asked, fake.requests().size(), "Claude was not asked");

            // the running answer: its resume and its end work as before
            try (EventStreamReader resumed = browser.resume(messageId, 0)) {
                assertEquals(200, resumed.status());
                assertEquals("start", resumed.nextNonPing(T).type());
            }
            gate.open();
            List<EventStreamReader.Event> rest = running.readToEnd(T);
            assertEquals("done", last(rest).type(), rest.toString());
        }
    }

    private static HttpResponse<String> send(String method, String path, String body, Map<String, String> headers)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(app.baseUri() + path)).timeout(T)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        headers.forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
