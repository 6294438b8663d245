package dev.claudesse.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.claudesse.fake.FakeClaude;
import dev.claudesse.fake.Gate;
import dev.claudesse.fake.Script;
import dev.claudesse.testsupport.Browser;
import dev.claudesse.testsupport.EmbeddedApp;
import dev.claudesse.testsupport.EventStreamReader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import static dev.claudesse.testsupport.Events.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Every refused request: a clear JSON error, never a 5xx or a stack trace, and no call to Claude. */
class BadInputIT {

    static final Duration T = Duration.ofSeconds(10);
    static FakeClaude fake;
    static EmbeddedApp app;

    @BeforeAll
    static void start() throws Exception {
        fake = FakeClaude.start();
        app = EmbeddedApp.start(0, Map.of(
                "ANTHROPIC_API_KEY", "sk-test",
                "ANTHROPIC_BASE_URL", fake.baseUrl().toString(),
                "CLAUDE_SSE_MAX_ANSWERS_PER_OWNER", "1"));
    }

    @AfterAll
    static void stop() throws Exception {
        app.close();
        fake.close();
    }

    private void refused(String method, String path, String contentType, String body, int status, String type)
            throws Exception {
        int upstreamCalls = fake.requests().size();
        HttpResponse<String> response = new Browser(app.baseUri()).send(method, path, contentType, body);
        assertEquals(status, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("content-type").orElse("").startsWith("application/json"));
        JsonNode error = json(response.body()).path("error");
        assertEquals(type, error.path("type").asText(), response.body());
        assertFalse(error.path("message").asText().isBlank());
        assertFalse(response.body().contains("Exception"), response.body());
        assertEquals(upstreamCalls, fake.requests().size(), "a refused request reached Claude");
    }

    @Test
    void malformedJson() throws Exception {
        refused("POST", "api/chat", "application/json", "{\"message\":", 400, "invalid_json");
    }

    @Test
    void missingOrBlankMessage() throws Exception {
        refused("POST", "api/chat", "application/json", "{}", 400, "invalid_request");
        refused("POST", "api/chat", "application/json", "{\"message\":\" \\n \"}", 400, "invalid_request");
    }

    @Test
    void wrongContentType() throws Exception {
        refused("POST", "api/chat", "text/plain", "{\"message\":\"hi\"}", 415, "unsupported_media_type");
        refused("POST", "api/chat", null, "{\"message\":\"hi\"}", 415, "unsupported_media_type");
    }

    @Test
    void bodyOverTheLimit() throws Exception {
        String big = "{\"message\":\"" + "x".repeat(1_100_000) + "\"}";
        refused("POST", "api/chat", "application/json", big, 413, "body_too_large");
    }

    @Test
    void outOfRangeNumbers() throws Exception {
        refused("POST", "api/chat", "application/json", "{\"message\":\"hi\",\"maxTokens\":0}", 400, "invalid_request");
        refused("POST", "api/chat", "application/json", "{\"message\":\"hi\",\"maxTokens\":999999}", 400, "invalid_request");
        refused("POST", "api/chat", "application/json", "{\"message\":\"hi\",\"temperature\":2}", 400, "invalid_request");
    }

    @Test
    void modelOutsideTheAllowList() throws Exception {
        refused("POST", "api/chat", "application/json", "{\"message\":\"hi\",\"model\":\"gpt-4\"}", 400,
                "model_not_allowed");
    }

    @Test
    void wrongMethodsAndPaths() throws Exception {
        refused("GET", "api/chat", null, null, 405, "method_not_allowed");
        refused("DELETE", "api/chat", null, null, 405, "method_not_allowed");
        refused("GET", "api/nothing-here", null, null, 404, "not_found");
        refused("GET", "api/chat/abc/stop", null, null, 404, "not_found");
        refused("GET", "api/chat/abc/stream", null, null, 404, "not_found");
    }

    @Test
    void badLastEventId() throws Exception {
        Gate gate = new Gate();
        fake.enqueue(Script.transcript("plain_text").gated(gate, 0));
        Browser browser = new Browser(app.baseUri());
        try (EventStreamReader stream = browser.chat("{\"message\":\"hi\"}")) {
            String id = json(stream.nextNonPing(T)).path("messageId").asText();
            HttpResponse<String> response = browser.send("GET", "api/chat/" + id + "/stream?lastEventId=x", null, null);
            assertEquals(400, response.statusCode());
            gate.open();
            stream.readToEnd(T);
        }
    }

    @Test
    void tooManyAnswersForOneOwner() throws Exception {
        Gate gate = new Gate();
        fake.enqueue(Script.transcript("plain_text").gated(gate, 1));
        Browser browser = new Browser(app.baseUri());
        try (EventStreamReader first = browser.chat("{\"message\":\"one\"}")) {
            first.nextNonPing(T);
            gate.awaitSent(1, T); // the first answer's call has reached Claude
            int upstreamCalls = fake.requests().size();
            HttpResponse<String> second = browser.send("POST", "api/chat", "application/json", "{\"message\":\"two\"}");
            assertEquals(429, second.statusCode());
            assertEquals("too_many_answers", json(second.body()).path("error").path("type").asText());
            assertEquals(upstreamCalls, fake.requests().size());
            gate.open();
            first.readToEnd(T);
        }
    }

    @Test
    void overTheGlobalCapAndWithoutAnUpstream() throws Exception {
        assumeTrue(System.getenv("ANTHROPIC_API_KEY") == null, "an ANTHROPIC_API_KEY in the environment");
        try (EmbeddedApp capped = EmbeddedApp.start(0, Map.of("CLAUDE_SSE_MAX_ANSWERS", "1",
                "CLAUDE_SSE_DEMO_DELAY_MS", "200"));
             EmbeddedApp noUpstream = EmbeddedApp.start(0, Map.of("CLAUDE_SSE_DEMO", "false"))) {
            try (EventStreamReader first = new Browser(capped.baseUri()).chat("{\"message\":\"one\"}")) {
                assertTrue(json(first.nextNonPing(T)).path("demo").asBoolean());
                HttpResponse<String> second = new Browser(capped.baseUri())
                        .send("POST", "api/chat", "application/json", "{\"message\":\"two\"}");
                assertEquals(429, second.statusCode());
                assertEquals("server_busy", json(second.body()).path("error").path("type").asText());
            }
            HttpResponse<String> off = new Browser(noUpstream.baseUri())
                    .send("POST", "api/chat", "application/json", "{\"message\":\"hi\"}");
            assertEquals(503, off.statusCode());
            assertEquals("upstream_not_configured", json(off.body()).path("error").path("type").asText());
            HttpResponse<String> health = new Browser(noUpstream.baseUri()).send("GET", "api/health", null, null);
            assertEquals(200, health.statusCode());
            assertEquals("unconfigured", json(health.body()).path("upstream").asText());
        }
    }
}
