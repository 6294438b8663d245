package dev.claudesse.web;

import dev.claudesse.testsupport.EmbeddedApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import static dev.claudesse.testsupport.Events.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** CORS as registered in web.xml, on a real Tomcat: allowed and disallowed origins, preflight. */
class CorsIT {

    static final String ALLOWED = "https://app.example.com";
    static final String OTHER = "https://evil.example.net";
    static EmbeddedApp app;
    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        app = EmbeddedApp.start(0, Map.of("CLAUDE_SSE_CORS_ORIGINS", ALLOWED, "CLAUDE_SSE_DEMO_DELAY_MS", "1"));
    }

    @AfterAll
    static void stop() throws Exception {
        app.close();
    }

    private static HttpResponse<String> preflight(String origin) throws Exception {
        return http.send(HttpRequest.newBuilder(app.baseUri().resolve("api/chat"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", origin)
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "content-type").build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> chat(String origin) throws Exception {
        return http.send(HttpRequest.newBuilder(app.baseUri().resolve("api/chat"))
                .header("Origin", origin).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"message\":\"hi\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void anAllowedOriginsPreflightIsAnswered() throws Exception {
        HttpResponse<String> response = preflight(ALLOWED);
        assertEquals(204, response.statusCode());
        assertEquals(ALLOWED, response.headers().firstValue("access-control-allow-origin").orElseThrow());
        assertEquals("true", response.headers().firstValue("access-control-allow-credentials").orElseThrow());
        assertTrue(response.headers().firstValue("access-control-allow-methods").orElseThrow().contains("POST"));
        String headers = response.headers().firstValue("access-control-allow-headers").orElseThrow().toLowerCase();
        assertTrue(headers.contains("content-type") && headers.contains("last-event-id"), headers);
    }

    @Test
    void anAllowedOriginGetsTheStreamWithCorsHeaders() throws Exception {
        HttpResponse<String> response = chat(ALLOWED);
        assertEquals(200, response.statusCode());
        assertEquals(ALLOWED, response.headers().firstValue("access-control-allow-origin").orElseThrow());
        assertTrue(response.headers().allValues("vary").stream().anyMatch(v -> v.contains("Origin")));
        assertTrue(response.body().contains("event: done"));
    }

    @Test
    void aDisallowedOriginGetsNoCorsHeadersAndItsPreflightIsRefused() throws Exception {
        HttpResponse<String> response = chat(OTHER);
        assertTrue(response.headers().firstValue("access-control-allow-origin").isEmpty());
        HttpResponse<String> refused = preflight(OTHER);
        assertEquals(403, refused.statusCode());
        assertTrue(refused.headers().firstValue("access-control-allow-origin").isEmpty());
        assertEquals("origin_not_allowed", json(refused.body()).path("error").path("type").asText());
    }
}
