package dev.claudesse.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.claudesse.fake.FakeClaude;
import dev.claudesse.fake.Gate;
import dev.claudesse.fake.Script;
import dev.claudesse.testsupport.ContainerLogin;
import dev.claudesse.testsupport.EmbeddedApp;
import dev.claudesse.testsupport.EventStreamReader;
import dev.claudesse.testsupport.EventStreamReader.Event;
import dev.claudesse.testsupport.LogCapture;
import dev.claudesse.tokens.IssueToken;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.claudesse.testsupport.Events.json;
import static dev.claudesse.testsupport.Events.only;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * api/usage on a real embedded Tomcat (context /chat, H2 store) against the fake Claude. Operators are a
 * container user with the role claude-sse-admin (tomcat-users.xml and the BASIC authenticator, as docs/usage.md
 * sets them up) and the API token of owner "ops", listed in CLAUDE_SSE_ADMIN_TOKEN_OWNERS; everyone else gets
 * 403 in the product's error shape. The figures are those of the answers the test makes: per model, per owner
 * (an anonymous owner's cookie never shown), per status, per conversation, and the answer streaming now.
 */
class UsageIT {

    static final Duration T = Duration.ofSeconds(10);
    static final IssueToken.Issued OPS = issue("ops");
    static final IssueToken.Issued ALICE = issue("alice");
    static final String ANON = "usage-it-anonymous-owner-id-0001";
    static final String BOSS_PASSWORD = "boss-password-4711";
    static final String CAROL_PASSWORD = "carol-password-0815";

    static FakeClaude fake;
    static EmbeddedApp app;
    static LogCapture logs;
    static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build(); // no cookie jar: each call says who it is

    static IssueToken.Issued issue(String owner) {
        return IssueToken.issue(owner, "", new SecureRandom(), LocalDate.of(2026, 11, 1));
    }

    static Map<String, String> bearer(IssueToken.Issued issued) {
        return Map.of("Authorization", "Bearer " + issued.token());
    }

    static Map<String, String> basic(String user, String password) {
        return Map.of("Authorization", ContainerLogin.basicHeader(user, password));
    }

    static Map<String, String> cookie(String id) {
        return Map.of("Cookie", Owners.COOKIE + "=" + id);
    }

    @BeforeAll
    static void start() throws Exception {
        logs = LogCapture.install();
        Path dir = Files.createTempDirectory("claude-sse-usage");
        Path tokens = dir.resolve("api-tokens");
        Files.writeString(tokens, OPS.line() + "\n" + ALICE.line() + "\n");
        fake = FakeClaude.start();
        app = EmbeddedApp.start(0, Map.of(
                "ANTHROPIC_API_KEY", "sk-ant-test-usage",
                "ANTHROPIC_BASE_URL", fake.baseUrl().toString(),
                "CLAUDE_SSE_DATA_DIR", dir.resolve("data").toString(),
                "CLAUDE_SSE_API_TOKENS_FILE", tokens.toString(),
                "CLAUDE_SSE_ADMIN_TOKEN_OWNERS", "ops, monitoring"), "/chat",
                ContainerLogin.basic(dir, true,
                        new ContainerLogin.User("boss", BOSS_PASSWORD, "claude-sse-admin"),
                        new ContainerLogin.User("carol", CAROL_PASSWORD, "")));
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            String logged = logs.text();
            for (String secret : List.of(OPS.token(), ALICE.token(), BOSS_PASSWORD, CAROL_PASSWORD)) {
                assertFalse(logged.contains(secret), "a secret appeared in the logs");
            }
        } finally {
            logs.uninstall();
            if (app != null) {
                app.close();
            }
            fake.close();
        }
    }

    static HttpResponse<String> send(String method, String path, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(app.baseUri() + path)).timeout(T)
                .method(method, HttpRequest.BodyPublishers.noBody());
        headers.forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode usage(Map<String, String> caller) throws Exception {
        HttpResponse<String> response = send("GET", "api/usage", caller);
        assertEquals(200, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        assertEquals("no-store", response.headers().firstValue("Cache-Control").orElse(""));
        return json(response.body());
    }

    static void assertRefused(int status, String type, HttpResponse<String> response) {
        assertEquals(status, response.statusCode(), response.body());
        JsonNode error = json(response.body()).path("error");
        assertEquals(type, error.path("type").asText(), response.body());
        assertFalse(error.path("message").asText().isBlank());
    }

    @Test
    void operatorsOnly() throws Exception {
        usage(bearer(OPS));
        usage(Map.of("x-api-key", OPS.token()));
        usage(basic("boss", BOSS_PASSWORD));
        usage(Map.of("Authorization", ContainerLogin.basicHeader("boss", BOSS_PASSWORD), "Cookie",
                Owners.COOKIE + "=" + ANON)); // an operator who also chats anonymously

        HttpResponse<String> alice = send("GET", "api/usage", bearer(ALICE));
        assertRefused(403, "forbidden", alice);
        assertTrue(json(alice.body()).path("error").path("message").asText().contains("claude-sse-admin"));
        assertRefused(403, "forbidden", send("GET", "api/usage", basic("carol", CAROL_PASSWORD)));
        assertRefused(403, "forbidden", send("GET", "api/usage", cookie(ANON)));
        assertRefused(403, "forbidden", send("GET", "api/usage", Map.of()));
        // a token of the tokens file is no operator's because another owner is named like one
        assertRefused(403, "forbidden", send("GET", "api/usage", Map.of("Authorization",
                "Bearer " + ALICE.token(), "Cookie", Owners.COOKIE + "=" + ANON)));
        assertRefused(401, "invalid_api_key", send("GET", "api/usage",
                Map.of("Authorization", "Bearer csse_" + "x".repeat(43))));
        assertRefused(405, "method_not_allowed", send("POST", "api/usage", bearer(OPS)));

        HttpResponse<String> wrongPassword = send("GET", "api/usage", basic("boss", "guess"));
        assertEquals(401, wrongPassword.statusCode(), "the container refuses wrong credentials");
        assertTrue(wrongPassword.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic"));

        // the page loads for anyone: its data is what is protected
        HttpResponse<String> page = send("GET", "usage.html", Map.of());
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("vendor/chart.js/chart.umd.min.js"), "Chart.js comes from the WAR");
        assertEquals(200, send("GET", "vendor/chart.js/chart.umd.min.js", Map.of()).statusCode());

        // signing in: the container's challenge, then back to the page
        HttpResponse<String> challenge = send("GET", "api/usage?signin", Map.of());
        assertEquals(401, challenge.statusCode());
        assertTrue(challenge.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic"));
        HttpResponse<String> signedIn = send("GET", "api/usage?signin", basic("boss", BOSS_PASSWORD));
        assertEquals(303, signedIn.statusCode(), signedIn.body());
        assertEquals("/chat/usage.html", signedIn.headers().firstValue("Location").orElse(""));
    }

    /** One answer as the caller: its events, conversation and cost. */
    record Answer(String conversationId, String messageId, BigDecimal cost) {
    }

    static Answer ask(Map<String, String> caller, String body, Script script) throws Exception {
        fake.enqueue(script);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(app.baseUri() + "api/chat"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        caller.forEach(request::header);
        try (EventStreamReader stream = EventStreamReader.open(http, request.build())) {
            assertEquals(200, stream.status());
            List<Event> events = stream.readToEnd(T);
            JsonNode start = json(events.getFirst());
            return new Answer(start.path("conversationId").asText(), start.path("messageId").asText(),
                    json(only(events, "cost")).path("totalCost").decimalValue());
        }
    }

    static String question(String text, String model, String conversationId) {
        return "{\"message\":\"" + text + "\"" + (model == null ? "" : ",\"model\":\"" + model + "\"")
                + (conversationId == null ? "" : ",\"conversationId\":\"" + conversationId + "\"") + "}";
    }

    @Test
    void theFiguresAreThoseOfTheAnswersMade() throws Exception {
        Answer a1 = ask(bearer(ALICE), question("Alice asks Haiku", "claude-haiku-5-5", null),
                Script.transcript("plain_text"));
        Answer b1 = ask(basic("carol", CAROL_PASSWORD), question("Carol asks", null, null),
                Script.transcript("plain_text"));
        Answer b2 = ask(basic("carol", CAROL_PASSWORD), question("Carol asks again", null, b1.conversationId()),
                Script.transcript("plain_text"));
        Answer c1 = ask(cookie(ANON), question("A browser asks Opus", "claude-opus-5-5", null),
                Script.transcript("plain_text"));
        Answer d1 = ask(cookie(ANON), question("A browser loses its answer", "claude-opus-5-5", null),
                Script.transcript("dropped").dropAfter(5));

        JsonNode usage = settled(5);
        String today = LocalDate.now(ZoneOffset.UTC).toString();
        assertEquals(30, usage.path("days").size());
        assertEquals(today, usage.path("days").get(29).asText());
        assertEquals("USD", usage.path("currency").asText());
        BigDecimal total = sum(a1, b1, b2, c1, d1);
        assertAmount(total, usage.path("total"));
        assertAmount(total, usage.path("perDay").get(29));
        assertAmount(BigDecimal.ZERO, usage.path("perDay").get(28));
        assertEquals(5, usage.path("answers").asLong());
        assertEquals(1, usage.path("estimatedAnswers").asLong(), "the dropped answer's cost is an estimate");
        assertEquals(4, usage.path("answersByStatus").path("complete").asLong());
        assertEquals(1, usage.path("answersByStatus").path("error").asLong());
        assertEquals(0, usage.path("answersByStatus").path("stopped").asLong());

        Map<String, JsonNode> models = byName(usage.path("byModel"));
        assertEquals(3, models.size(), models.toString());
        assertAmount(a1.cost(), models.get("claude-haiku-5-5").path("total"));
        assertAmount(sum(c1, d1), models.get("claude-opus-5-5").path("total"));
        assertEquals(2, models.get("claude-opus-5-5").path("answers").asLong());
        JsonNode defaultModel = models.get("claude-sonnet-5-5");
        assertNotNull(defaultModel, "the default model: " + models.keySet());
        assertAmount(sum(b1, b2), defaultModel.path("perDay").get(29));

        Map<String, JsonNode> owners = byName(usage.path("byOwner"));
        assertEquals(3, usage.path("owners").asLong());
        assertAmount(a1.cost(), owners.get("token:alice").path("total"));
        assertAmount(sum(b1, b2), owners.get("user:carol").path("total"));
        String anonymous = owners.keySet().stream().filter(name -> name.startsWith("anon:")).findFirst().orElseThrow();
        assertAmount(sum(c1, d1), owners.get(anonymous).path("total"));
        assertFalse(usage.toString().contains(ANON), "an anonymous owner's cookie is a credential: never shown");
        assertEquals(3, owners.size(), "no others: " + owners.keySet());

        Map<String, JsonNode> conversations = new HashMap<>();
        BigDecimal previous = null;
        for (JsonNode conversation : usage.path("topConversations")) {
            conversations.put(conversation.path("id").asText(), conversation);
            BigDecimal cost = conversation.path("cost").decimalValue();
            assertTrue(previous == null || previous.compareTo(cost) >= 0, "most expensive first: " + usage);
            previous = cost;
        }
        assertEquals(4, conversations.size());
        JsonNode carols = conversations.get(b1.conversationId());
        assertEquals("Carol asks", carols.path("title").asText());
        assertEquals("user:carol", carols.path("owner").asText());
        assertAmount(sum(b1, b2), carols.path("cost"));
        assertEquals(2, carols.path("answers").asLong());
        assertEquals(4, carols.path("messages").asLong());
        assertEquals(anonymous, conversations.get(c1.conversationId()).path("owner").asText());
        assertEquals(2, conversations.get(a1.conversationId()).path("messages").asLong());

        // an answer streaming now: in the registry's figures and saved as streaming
        Gate gate = new Gate();
        fake.enqueue(Script.transcript("long_text").gated(gate, 2));
        HttpRequest request = HttpRequest.newBuilder(URI.create(app.baseUri() + "api/chat"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + ALICE.token())
                .POST(HttpRequest.BodyPublishers.ofString(question("A long one", null, null))).build();
        try (EventStreamReader stream = EventStreamReader.open(http, request)) {
            String messageId = json(stream.nextNonPing(T)).path("messageId").asText();
            JsonNode live = usage(bearer(OPS));
            assertEquals(1, live.path("live").path("runningAnswers").asInt(), live.path("live").toString());
            assertTrue(live.path("live").path("openStreams").asInt() >= 1);
            JsonNode running = live.path("live").path("answers").get(0);
            assertEquals(messageId, running.path("messageId").asText());
            assertEquals("token:alice", running.path("owner").asText());
            assertEquals("product", running.path("dialect").asText());
            assertEquals(1, live.path("answersByStatus").path("streaming").asLong());
            gate.open();
            stream.readToEnd(T);
        }
        JsonNode after = settled(6);
        assertEquals(0, after.path("live").path("runningAnswers").asInt());
        assertEquals(0, after.path("live").path("answers").size());
    }

    /** api/usage once the answers made are all saved (saving is asynchronous). */
    static JsonNode settled(int answers) throws Exception {
        long deadline = System.nanoTime() + T.toNanos();
        while (true) {
            JsonNode usage = usage(bearer(OPS));
            if (usage.path("answers").asLong() == answers
                    && usage.path("answersByStatus").path("streaming").asLong() == 0) {
                return usage;
            }
            assertTrue(System.nanoTime() < deadline, "not saved yet: " + usage);
            Thread.sleep(50);
        }
    }

    static Map<String, JsonNode> byName(JsonNode series) {
        Map<String, JsonNode> named = new LinkedHashMap<>();
        series.forEach(one -> named.put(one.path("name").asText(), one));
        return named;
    }

    static BigDecimal sum(Answer... answers) {
        List<BigDecimal> costs = new ArrayList<>();
        for (Answer answer : answers) {
            costs.add(answer.cost());
        }
        return costs.stream().reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    static void assertAmount(BigDecimal expected, JsonNode actual) {
        assertTrue(actual.isNumber(), "not a number: " + actual);
        assertEquals(0, expected.compareTo(actual.decimalValue()), "expected " + expected + ", got " + actual);
    }
}
