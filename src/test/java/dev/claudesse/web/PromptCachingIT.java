package dev.claudesse.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.claudesse.fake.FakeClaude;
import dev.claudesse.fake.Script;
import dev.claudesse.testsupport.EmbeddedApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static dev.claudesse.testsupport.Events.json;
import static dev.claudesse.testsupport.Events.last;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Automatic prompt caching (issue 15) as the fake Claude receives it, the fake holding the requests to
 * Claude's rules for cache_control: a long enough history carries exactly one breakpoint, on the last block
 * of the answer before the new question; a short one, or the setting off, none; the Messages API and
 * OpenAI dialects send what their clients sent.
 */
class PromptCachingIT {

    static final Duration T = Duration.ofSeconds(10);
    /** About 900 tokens at four characters each: past Sonnet 5.5's 512-token minimum. */
    static final String LONG_ANSWER = "Caching pays off on long conversations. ".repeat(90);

    static FakeClaude fake;
    static EmbeddedApp app;
    static EmbeddedApp off;
    static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws Exception {
        Path dir = Files.createTempDirectory("claude-sse-caching");
        fake = FakeClaude.start();
        app = EmbeddedApp.start(0, Map.of("ANTHROPIC_API_KEY", "sk-ant-test-caching",
                "ANTHROPIC_BASE_URL", fake.baseUrl().toString(), "CLAUDE_SSE_DATA_DIR", dir.resolve("on").toString()));
        off = EmbeddedApp.start(0, Map.of("ANTHROPIC_API_KEY", "sk-ant-test-caching",
                "ANTHROPIC_BASE_URL", fake.baseUrl().toString(), "CLAUDE_SSE_DATA_DIR", dir.resolve("off").toString(),
                "CLAUDE_SSE_PROMPT_CACHING", "false"));
    }

    @AfterAll
    static void stop() throws Exception {
        app.close();
        off.close();
        fake.close();
    }

    /** Claude's stream of one answer with this text. */
    static Script answer(String text) {
        return Script.sse("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"model\":"
                + "\"claude-sonnet-5-5\",\"usage\":{\"input_tokens\":5,\"output_tokens\":1}}}\n\n"
                + "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":"
                + "{\"type\":\"text_delta\",\"text\":\"" + text + "\"}}\n\n"
                + "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},"
                + "\"usage\":{\"output_tokens\":3}}\n\n"
                + "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
    }

    static HttpResponse<String> post(EmbeddedApp target, String path, String body, String owner) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(target.baseUri() + path)).timeout(T)
                .header("Content-Type", "application/json").header("Cookie", Owners.COOKIE + "=" + owner)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Asks on api/chat (in the conversation when not null); Claude answers with text. Returns the conversation. */
    static String chat(EmbeddedApp target, String owner, String conversation, String question, String text)
            throws Exception {
        fake.enqueue(answer(text));
        String body = conversation == null ? "{\"message\":\"" + question + "\"}"
                : "{\"message\":\"" + question + "\",\"conversationId\":\"" + conversation + "\"}";
        HttpResponse<String> response = post(target, "api/chat", body, owner);
        assertEquals(200, response.statusCode(), response.body());
        assertTrue(response.body().contains("event: done"), response.body());
        return json(response.body().lines().filter(l -> l.startsWith("data: ")).findFirst().orElseThrow()
                .substring(6)).path("conversationId").asText();
    }

    /** The body the fake received last, checked against Claude's rules (a refused one would have failed the answer). */
    static JsonNode lastSent() {
        assertEquals(0, fake.refusedRequests().size(), "Claude's rules refused a request: " + fake.refusedRequests());
        return json(last(fake.requests()).body());
    }

    static int breakpoints(JsonNode body) {
        return body.toString().split("\"cache_control\"", -1).length - 1;
    }

    static String owner() {
        return ("caching_" + UUID.randomUUID()).replace("-", "_");
    }

    @Test
    void aLongHistoryCarriesOneBreakpointOnTheAnswerBeforeTheQuestion() throws Exception {
        String owner = owner();
        String conversation = chat(app, owner, null, "question 1", LONG_ANSWER);
        assertEquals(0, breakpoints(lastSent()), "no history yet");

        chat(app, owner, conversation, "question 2", "short");
        JsonNode sent = lastSent();
        assertEquals(1, breakpoints(sent), sent.toString());
        JsonNode messages = sent.path("messages");
        assertEquals(3, messages.size());
        JsonNode answer = messages.get(1);
        assertEquals("assistant", answer.path("role").asText());
        assertEquals(1, answer.path("content").size());
        assertEquals(LONG_ANSWER, answer.path("content").get(0).path("text").asText());
        assertEquals("{\"type\":\"ephemeral\"}", answer.path("content").get(0).path("cache_control").toString());
        assertEquals("question 1", messages.get(0).path("content").asText());
        assertEquals("question 2", messages.get(2).path("content").asText());

        chat(app, owner, conversation, "question 3", "short");
        JsonNode third = lastSent();
        assertEquals(1, breakpoints(third), "the breakpoint moves on with the conversation");
        assertTrue(third.path("messages").get(3).path("content").get(0).has("cache_control"));
        assertEquals(LONG_ANSWER, third.path("messages").get(1).path("content").asText(), "the earlier one is plain again");
    }

    @Test
    void aShortHistoryCarriesNone() throws Exception {
        String owner = owner();
        String conversation = chat(app, owner, null, "hello", "Hi! How can I help?");
        chat(app, owner, conversation, "tell me more", "short");
        JsonNode sent = lastSent();
        assertEquals(3, sent.path("messages").size());
        assertEquals(0, breakpoints(sent), sent.toString());
    }

    @Test
    void withTheSettingOffALongHistoryCarriesNone() throws Exception {
        String owner = owner();
        String conversation = chat(off, owner, null, "question 1", LONG_ANSWER);
        chat(off, owner, conversation, "question 2", "short");
        JsonNode sent = lastSent();
        assertEquals(3, sent.path("messages").size());
        assertEquals(0, breakpoints(sent), sent.toString());
        assertEquals(LONG_ANSWER, sent.path("messages").get(1).path("content").asText());
    }

    @Test
    void useChatsHistoryIsMarkedTheSameWay() throws Exception {
        fake.enqueue(answer("short"));
        String body = "{\"id\":\"" + UUID.randomUUID() + "\",\"trigger\":\"submit-message\",\"messages\":["
                + "{\"id\":\"u1\",\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"text\":\"question 1\"}]},"
                + "{\"id\":\"a1\",\"role\":\"assistant\",\"parts\":[{\"type\":\"text\",\"text\":\"" + LONG_ANSWER + "\"}]},"
                + "{\"id\":\"u2\",\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"text\":\"question 2\"}]}]}";
        HttpResponse<String> response = post(app, "api/ui/chat", body, owner());
        assertEquals(200, response.statusCode(), response.body());
        JsonNode sent = lastSent();
        assertEquals(1, breakpoints(sent), sent.toString());
        assertTrue(sent.path("messages").get(1).path("content").get(0).has("cache_control"));
    }

    @Test
    void theMessagesApiAndOpenAiDialectsSendWhatTheirClientsSent() throws Exception {
        fake.enqueue(answer("short"));
        String history = "{\"role\":\"user\",\"content\":\"question 1\"},{\"role\":\"assistant\",\"content\":\""
                + LONG_ANSWER + "\"},{\"role\":\"user\",\"content\":\"question 2\"}";
        HttpResponse<String> messages = post(app, "v1/messages", "{\"model\":\"claude-sonnet-5-5\",\"max_tokens\":100,"
                + "\"stream\":true,\"messages\":[" + history + "]}", owner());
        assertEquals(200, messages.statusCode(), messages.body());
        assertEquals(0, breakpoints(lastSent()), "the client places its own");

        fake.enqueue(answer("short"));
        HttpResponse<String> own = post(app, "v1/messages", "{\"model\":\"claude-sonnet-5-5\",\"max_tokens\":100,"
                + "\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"q\","
                + "\"cache_control\":{\"type\":\"ephemeral\",\"ttl\":\"1h\"}}]}]}", owner());
        assertEquals(200, own.statusCode(), own.body());
        JsonNode sent = lastSent();
        assertEquals(1, breakpoints(sent));
        assertEquals("1h", sent.path("messages").get(0).path("content").get(0).path("cache_control").path("ttl").asText(),
                "and keeps its own as it sent it");

        fake.enqueue(answer("short"));
        HttpResponse<String> openAi = post(app, "v1/chat/completions", "{\"model\":\"claude-sonnet-5-5\",\"stream\":true,"
                + "\"messages\":[" + history + "]}", owner());
        assertEquals(200, openAi.statusCode(), openAi.body());
        JsonNode fromOpenAi = lastSent();
        assertEquals(3, fromOpenAi.path("messages").size());
        assertFalse(fromOpenAi.toString().contains("cache_control"));
    }
}
