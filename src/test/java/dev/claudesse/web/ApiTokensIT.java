package dev.claudesse.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.claudesse.fake.FakeClaude;
import dev.claudesse.fake.Script;
import dev.claudesse.testsupport.EmbeddedApp;
import dev.claudesse.testsupport.LogCapture;
import dev.claudesse.tokens.ApiTokens;
import dev.claudesse.tokens.IssueToken;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Stream;

import static dev.claudesse.testsupport.Events.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * API tokens on a real embedded Tomcat against the fake Claude, with a tokens file of two owners: a valid
 * token (Bearer or x-api-key) acts as its owner on every endpoint, a wrong one is refused with 401 unless
 * an owner cookie says who the caller is, no token keeps the cookie owner, and a deleted line stops its
 * token without a restart. The endpoints that start answers are a list: each dialect's endpoint is one entry.
 */
class ApiTokensIT {

    static final Duration T = Duration.ofSeconds(10);
    static final IssueToken.Issued ALICE = issue("alice");
    static final IssueToken.Issued BOB = issue("bob@backend.example");
    static final IssueToken.Issued CAROL = issue("carol");
    static final String WRONG = "csse_" + "x".repeat(43);

    static Path tokensFile;
    static FakeClaude fake;
    static EmbeddedApp app;
    static LogCapture logs;
    static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build(); // no cookie jar: each call says who it is

    static IssueToken.Issued issue(String owner) {
        return IssueToken.issue(owner, "", new SecureRandom(), LocalDate.of(2026, 5, 1));
    }

    /**
     * An endpoint that starts an answer: its path, a body that asks one question (the conversation's title),
     * and where its error JSON keeps the message.
     */
    record Endpoint(String path, Function<String, String> body, Function<JsonNode, String> errorMessage) {

        @Override
        public String toString() {
            return path;
        }
    }

    static final Function<JsonNode, String> PRODUCT_ERROR = error -> error.path("error").path("message").asText();
    /** OpenAI's error shape, which the OpenAI SDK raises as an AuthenticationError; null for another shape. */
    static final Function<JsonNode, String> OPENAI_ERROR = error -> error.path("error").path("type").asText()
            .equals("authentication_error") && error.path("error").has("code")
            ? error.path("error").path("message").asText() : null;
    /** Claude's error shape, which the Anthropic SDK raises as an AuthenticationError; null for another shape. */
    static final Function<JsonNode, String> CLAUDE_ERROR = error -> error.path("type").asText().equals("error")
            && error.path("error").path("type").asText().equals("authentication_error")
            ? error.path("error").path("message").asText() : null;

    static Stream<Endpoint> answerEndpoints() {
        return Stream.of(
                new Endpoint("api/chat", question -> "{\"message\":\"" + question + "\"}", PRODUCT_ERROR),
                new Endpoint("api/ui/chat", question -> "{\"id\":\"" + UUID.randomUUID() + "\",\"trigger\":\"submit-message\","
                        + "\"messages\":[{\"id\":\"q1\",\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"text\":\""
                        + question + "\"}]}]}", PRODUCT_ERROR),
                new Endpoint("v1/messages", question -> "{\"model\":\"claude-sonnet-5-5\",\"max_tokens\":100,"
                        + "\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"" + question + "\"}]}",
                        CLAUDE_ERROR),
                new Endpoint("v1/chat/completions", question -> "{\"model\":\"claude-sonnet-5-5\",\"stream\":true,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"" + question + "\"}]}", OPENAI_ERROR));
    }

    /** Who a request says it is: its headers, and nothing else (no cookie jar). */
    record Caller(Map<String, String> headers) {

        static Caller bearer(IssueToken.Issued issued) {
            return bearer(issued.token());
        }

        static Caller bearer(String token) {
            return new Caller(Map.of("Authorization", "Bearer " + token));
        }

        static Caller apiKey(IssueToken.Issued issued) {
            return new Caller(Map.of("x-api-key", issued.token()));
        }

        static Caller cookie(String ownerId) {
            return new Caller(Map.of("Cookie", Owners.COOKIE + "=" + ownerId));
        }

        static Caller nobody() {
            return new Caller(Map.of());
        }

        Caller and(Caller other) {
            Map<String, String> all = new LinkedHashMap<>(headers);
            all.putAll(other.headers);
            return new Caller(all);
        }
    }

    @BeforeAll
    static void start() throws Exception {
        logs = LogCapture.install();
        Path dir = Files.createTempDirectory("claude-sse-tokens");
        tokensFile = dir.resolve("api-tokens");
        writeTokens(ALICE, BOB, CAROL);
        fake = FakeClaude.start();
        app = EmbeddedApp.start(0, Map.of(
                "ANTHROPIC_API_KEY", "sk-ant-test-tokens",
                "ANTHROPIC_BASE_URL", fake.baseUrl().toString(),
                "CLAUDE_SSE_DATA_DIR", dir.resolve("data").toString(),
                "CLAUDE_SSE_API_TOKENS_FILE", tokensFile.toString()));
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            String logged = logs.text();
            for (IssueToken.Issued issued : List.of(ALICE, BOB, CAROL)) {
                assertFalse(logged.contains(issued.token()), "a token appeared in the logs");
                assertFalse(logged.contains(HexFormat.of().formatHex(ApiTokens.digest(issued.token()))),
                        "a token's hash appeared in the logs");
            }
            assertFalse(logged.contains(WRONG), "a presented token appeared in the logs");
        } finally {
            logs.uninstall();
            if (app != null) {
                app.close();
            }
            fake.close();
        }
    }

    static void writeTokens(IssueToken.Issued... issued) throws Exception {
        StringBuilder text = new StringBuilder("# tokens of ApiTokensIT\n");
        for (IssueToken.Issued one : issued) {
            text.append(one.line()).append('\n');
        }
        Files.writeString(tokensFile, text);
    }

    static HttpResponse<String> send(String method, String path, String body, Caller caller) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(app.baseUri() + path)).timeout(T)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        caller.headers().forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString()); // a stream is read to its end
    }

    /** Asks the endpoint one question as the caller; the fake Claude answers it. */
    static HttpResponse<String> ask(Endpoint endpoint, String question, Caller caller) throws Exception {
        fake.enqueue(Script.transcript("plain_text"));
        HttpResponse<String> response = send("POST", endpoint.path(), endpoint.body().apply(question), caller);
        assertEquals(200, response.statusCode(), response.body());
        return response;
    }

    /** The titles (first questions) of the caller's conversations. */
    static List<String> titles(Caller caller) throws Exception {
        HttpResponse<String> response = send("GET", "api/conversations?limit=100", null, caller);
        assertEquals(200, response.statusCode(), response.body());
        List<String> titles = new ArrayList<>();
        json(response.body()).path("conversations").forEach(c -> titles.add(c.path("title").asText()));
        return titles;
    }

    static String question(String who, Endpoint endpoint) {
        return who + " on " + endpoint.path() + " " + UUID.randomUUID().toString().substring(0, 8);
    }

    static String newOwnerCookie() {
        return ("browser-" + UUID.randomUUID()).replace("-", "_");
    }

    static void assertRefused(Endpoint endpoint, HttpResponse<String> response) {
        assertEquals(401, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        assertEquals("Bearer error=\"invalid_token\"", response.headers().firstValue("WWW-Authenticate").orElse(""));
        assertTrue(endpoint.errorMessage().apply(json(response.body())).contains("API token is not valid"),
                response.body());
        assertTrue(response.headers().allValues("Set-Cookie").isEmpty(), "a refused caller gets no owner");
    }

    @ParameterizedTest
    @MethodSource("answerEndpoints")
    void aValidTokenActsAsItsOwnerInEitherHeader(Endpoint endpoint) throws Exception {
        String alices = question("alice", endpoint);
        String bobs = question("bob", endpoint);
        HttpResponse<String> alice = ask(endpoint, alices, Caller.bearer(ALICE));
        ask(endpoint, bobs, Caller.apiKey(BOB));
        assertTrue(alice.headers().allValues("Set-Cookie").isEmpty(), "a token's caller needs no cookie");

        for (Caller asAlice : List.of(Caller.bearer(ALICE), Caller.apiKey(ALICE))) {
            List<String> titles = titles(asAlice);
            assertTrue(titles.contains(alices), titles.toString());
            assertFalse(titles.contains(bobs), titles.toString());
        }
        List<String> bobsTitles = titles(Caller.bearer(BOB));
        assertTrue(bobsTitles.contains(bobs), bobsTitles.toString());
        assertFalse(bobsTitles.contains(alices), bobsTitles.toString());
        assertFalse(titles(Caller.nobody()).contains(alices));
        assertFalse(titles(Caller.cookie(newOwnerCookie())).contains(alices));
    }

    @ParameterizedTest
    @MethodSource("answerEndpoints")
    void aWrongTokenIs401AndNothingIsSavedOrAsked(Endpoint endpoint) throws Exception {
        int asked = fake.requests().size();
        String question = question("wrong", endpoint);
        assertRefused(endpoint, send("POST", endpoint.path(), endpoint.body().apply(question), Caller.bearer(WRONG)));
        assertRefused(endpoint, send("POST", endpoint.path(), endpoint.body().apply(question),
                new Caller(Map.of("x-api-key", WRONG))));
        assertEquals(asked, fake.requests().size(), "Claude was not asked");
        assertFalse(titles(Caller.bearer(ALICE)).contains(question));
        assertFalse(titles(Caller.bearer(BOB)).contains(question));
    }

    @ParameterizedTest
    @MethodSource("answerEndpoints")
    void aWrongTokenBesideAnOwnerCookieIsServedAsTheCookiesOwner(Endpoint endpoint) throws Exception {
        String browser = newOwnerCookie();
        String question = question("browser", endpoint);
        // a browser app on an SDK sends some API key, here one no tokens file lists
        HttpResponse<String> response = ask(endpoint, question, Caller.cookie(browser).and(Caller.bearer("sk-ant-placeholder")));
        assertTrue(response.headers().allValues("Set-Cookie").isEmpty(), "the cookie stays the owner");
        assertTrue(titles(Caller.cookie(browser)).contains(question));
        assertTrue(titles(Caller.cookie(browser).and(Caller.bearer(WRONG))).contains(question));
        assertFalse(titles(Caller.bearer(ALICE)).contains(question));
    }

    @ParameterizedTest
    @MethodSource("answerEndpoints")
    void noTokenKeepsTheCookieOwner(Endpoint endpoint) throws Exception {
        String question = question("anonymous", endpoint);
        HttpResponse<String> response = ask(endpoint, question, Caller.nobody());
        String cookie = response.headers().firstValue("Set-Cookie").orElseThrow();
        String id = cookie.substring(cookie.indexOf('=') + 1, cookie.indexOf(';'));
        assertTrue(titles(Caller.cookie(id)).contains(question));
        assertFalse(titles(Caller.bearer(ALICE)).contains(question));

        String again = question("anonymous again", endpoint);
        ask(endpoint, again, Caller.cookie(id));
        assertTrue(titles(Caller.cookie(id)).containsAll(List.of(question, again)));
    }

    @Test
    void resumeStopAndAConversationFollowTheToken() throws Exception {
        HttpResponse<String> answer = ask(answerEndpoints().findFirst().orElseThrow(), "alice resumes", Caller.bearer(ALICE));
        JsonNode start = json(answer.body().lines().filter(l -> l.startsWith("data: ")).findFirst()
                .orElseThrow().substring(6));
        String messageId = start.path("messageId").asText();
        String conversationId = start.path("conversationId").asText();

        HttpResponse<String> replay = send("GET", "api/chat/" + messageId + "/stream", null, Caller.apiKey(ALICE));
        assertEquals(200, replay.statusCode(), replay.body());
        assertTrue(replay.body().contains("event: done"), replay.body());
        assertEquals(404, send("GET", "api/chat/" + messageId + "/stream", null, Caller.bearer(BOB)).statusCode());
        assertEquals(401, send("GET", "api/chat/" + messageId + "/stream", null, Caller.bearer(WRONG)).statusCode());

        assertEquals(200, send("POST", "api/chat/" + messageId + "/stop", null, Caller.bearer(ALICE)).statusCode());
        assertEquals(404, send("POST", "api/chat/" + messageId + "/stop", null, Caller.bearer(BOB)).statusCode());

        assertEquals(200, send("GET", "api/conversations/" + conversationId, null, Caller.bearer(ALICE)).statusCode());
        assertEquals(404, send("GET", "api/conversations/" + conversationId, null, Caller.bearer(BOB)).statusCode());
        assertRefused(answerEndpoints().findFirst().orElseThrow(),
                send("GET", "api/conversations", null, Caller.bearer(WRONG)));
        assertEquals(404, send("DELETE", "api/conversations/" + conversationId, null, Caller.bearer(BOB)).statusCode());
        assertEquals(200, send("DELETE", "api/conversations/" + conversationId, null, Caller.bearer(ALICE)).statusCode());
    }

    @Test
    void aTokensFileThatCannotBeReadStopsTheStart() throws Exception {
        Path missing = tokensFile.resolveSibling("not-there");
        try (EmbeddedApp refused = EmbeddedApp.start(0, Map.of(
                "CLAUDE_SSE_DATA_DIR", tokensFile.resolveSibling("data-refused").toString(),
                "CLAUDE_SSE_API_TOKENS_FILE", missing.toString()))) {
            HttpResponse<String> health = http.send(HttpRequest.newBuilder(refused.baseUri().resolve("api/health"))
                    .timeout(T).build(), HttpResponse.BodyHandlers.ofString());
            assertFalse(health.statusCode() == 200, "the app did not start: " + health.statusCode());
        }
        assertTrue(logs.text().contains("the API tokens file " + missing
                + " (CLAUDE_SSE_API_TOKENS_FILE) cannot be read: it does not exist"), "the reason is logged");
    }

    @Test
    void aDeletedLineStopsItsTokenWithoutARestart() throws Exception {
        Endpoint chat = answerEndpoints().findFirst().orElseThrow();
        ask(chat, "carol before", Caller.bearer(CAROL));
        writeTokens(ALICE, BOB);
        long deadline = System.nanoTime() + T.toNanos();
        int status;
        do {
            Thread.sleep(200);
            status = send("GET", "api/conversations", null, Caller.bearer(CAROL)).statusCode();
        } while (status == 200 && System.nanoTime() < deadline);
        assertEquals(401, status, "revoked within " + T);
        assertRefused(chat, send("POST", chat.path(), chat.body().apply("carol after"), Caller.bearer(CAROL)));
        assertEquals(200, send("GET", "api/conversations", null, Caller.bearer(ALICE)).statusCode(),
                "the other tokens stay");
    }
}
