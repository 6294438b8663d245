package dev.claudesse.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.claudesse.fake.FakeClaude;
import dev.claudesse.fake.Script;
import dev.claudesse.fake.TranscriptFacts;
import dev.claudesse.store.StoreFactory;
import dev.claudesse.testsupport.Browser;
import dev.claudesse.testsupport.EmbeddedApp;
import dev.claudesse.testsupport.EventStreamReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.claudesse.testsupport.Events.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The limits of a conversation and the paged reading of one, over HTTP on a real embedded Tomcat with the
 * default store (an H2 file) against the fake Claude: a question past CLAUDE_SSE_MAX_MESSAGES_PER_CONVERSATION
 * or CLAUDE_SSE_MAX_CONVERSATION_BYTES is a 409 conversation_full, a message alone over the byte limit a 413
 * message_too_large, neither saves anything nor calls Claude; GET api/conversations/{id} walks back with
 * nextCursor through every message exactly once; bad paging parameters are 400 JSON.
 */
class ConversationLimitsIT {

    static final Duration T = Duration.ofSeconds(10);
    static final String ALICE = "alice-anonymous-owner-id-limits1";
    static final String JSON_TYPE = "application/json;charset=UTF-8";

    @TempDir
    Path dataDir;
    FakeClaude fake;
    EmbeddedApp app;
    Browser alice;

    @BeforeEach
    void startFake() {
        fake = FakeClaude.start();
    }

    void startApp(Map<String, String> extra) throws Exception {
        Map<String, String> settings = new HashMap<>(Map.of(
                "ANTHROPIC_API_KEY", "sk-ant-test-conversation-limits",
                "ANTHROPIC_BASE_URL", fake.baseUrl().toString(),
                "CLAUDE_SSE_DATA_DIR", dataDir.toString()));
        settings.putAll(extra);
        app = EmbeddedApp.start(0, settings);
        alice = new Browser(app.baseUri(), ALICE);
    }

    @AfterEach
    void stop() throws Exception {
        if (app != null) {
            app.close();
        }
        fake.close();
    }

    static String body(String message, String conversationId) {
        return conversationId == null ? "{\"message\":\"" + message + "\"}"
                : "{\"message\":\"" + message + "\",\"conversationId\":\"" + conversationId + "\"}";
    }

    /** One answered question (the fake answers plain_text); the conversation's id. */
    String turn(String message, String conversationId) throws Exception {
        fake.enqueue(Script.transcript("plain_text"));
        try (EventStreamReader stream = alice.chat(body(message, conversationId))) {
            assertEquals(200, stream.status());
            List<EventStreamReader.Event> events = stream.readToEnd(T);
            assertEquals("done", events.getLast().type(), events.toString());
            return json(events.getFirst()).path("conversationId").asText();
        }
    }

    /** The calls to Claude so far (the app may also GET the models list; that is not a call for an answer). */
    long claudeCalls() {
        return fake.requests().stream().filter(r -> "POST".equals(r.method())).count();
    }

    HttpResponse<String> get(String path) throws Exception {
        return alice.send("GET", path, null, null);
    }

    /** The conversation's page once every answer in it is saved. */
    JsonNode saved(String conversationId, String query) throws Exception {
        long deadline = System.nanoTime() + T.toNanos();
        while (true) {
            HttpResponse<String> response = get("api/conversations/" + conversationId + query);
            assertEquals(200, response.statusCode(), response.body());
            JsonNode page = json(response.body());
            boolean streaming = false;
            for (JsonNode message : page.path("messages")) {
                streaming |= message.path("status").asText().equals("streaming");
            }
            if (!streaming) {
                // Read once more: the conversation's row (updatedAt) is read before its messages, so the read
                // that first saw the last answer finished may still show the updatedAt from before.
                response = get("api/conversations/" + conversationId + query);
                assertEquals(200, response.statusCode(), response.body());
                return json(response.body());
            }
            assertTrue(System.nanoTime() < deadline, "still streaming: " + page);
            Thread.sleep(50);
        }
    }

    static List<String> texts(JsonNode page) {
        List<String> texts = new ArrayList<>();
        page.path("messages").forEach(m -> texts.add(m.path("text").asText()));
        return texts;
    }

    static JsonNode error(HttpResponse<String> response, int status, String type) {
        assertEquals(status, response.statusCode(), response.body());
        assertEquals(JSON_TYPE, response.headers().firstValue("content-type").orElseThrow(), response.body());
        JsonNode error = json(response.body()).path("error");
        assertEquals(type, error.path("type").asText(), response.body());
        return error;
    }

    @Test
    void aConversationAtItsMessageLimitRefusesTheNextQuestionWithoutSavingItOrCallingClaude() throws Exception {
        startApp(Map.of(StoreFactory.MAX_MESSAGES_SETTING, "4"));
        String answer = TranscriptFacts.of("plain_text").text();
        String id = turn("first question", null);
        assertEquals(id, turn("second question", id));
        JsonNode before = saved(id, "");
        assertEquals(4, before.path("messageCount").asInt());
        long calls = claudeCalls();

        fake.enqueue(Script.transcript("plain_text")); // there to be taken if the app wrongly asked Claude
        HttpResponse<String> refused = alice.send("POST", "api/chat", "application/json", body("third question", id));

        JsonNode error = error(refused, 409, "conversation_full");
        String message = error.path("message").asText();
        assertTrue(message.contains("limit of 4 messages"), message);
        assertTrue(message.contains("Start a new conversation"), message);
        assertFalse(refused.headers().firstValue("content-type").orElseThrow().startsWith("text/event-stream"));
        assertEquals(calls, claudeCalls(), "Claude was called for a refused question");

        JsonNode after = saved(id, "");
        assertEquals(4, after.path("messageCount").asInt(), after.toString());
        assertEquals(List.of("first question", answer, "second question", answer), texts(after));
        assertEquals(before, after, "the refused question changed the conversation (updatedAt included)");
        assertEquals(1, json(get("api/conversations").body()).path("conversations").size());

        // Refusals free the owner's answer slot (4 by default): more of them, then a new conversation works.
        for (int i = 0; i < 5; i++) {
            error(alice.send("POST", "api/chat", "application/json", body("again " + i, id)), 409, "conversation_full");
        }
        assertEquals(calls, claudeCalls());
        fake.clearScripts();
        String fresh = turn("a new conversation", null);
        assertFalse(fresh.equals(id));
        assertEquals(4, saved(id, "").path("messageCount").asInt());
    }

    @Test
    void aMessageOverTheByteLimitIs413AndAConversationOverItIs409NothingSaved() throws Exception {
        String answer = TranscriptFacts.of("plain_text").text();
        String first = "x".repeat(100);
        // Room for the first turn and a 20-byte question, not for a 21-byte one.
        long limit = 100 + answer.getBytes(StandardCharsets.UTF_8).length + 20;
        startApp(Map.of(StoreFactory.MAX_BYTES_SETTING, Long.toString(limit)));

        // Alone over the limit, counted in UTF-8 bytes: fewer characters than the limit, but twice as many bytes.
        String large = "é".repeat((int) (limit / 2) + 1);
        assertTrue(large.length() < limit);
        HttpResponse<String> tooLarge = alice.send("POST", "api/chat", "application/json", body(large, null));
        JsonNode error = error(tooLarge, 413, "message_too_large");
        assertTrue(error.path("message").asText().contains(Long.toString(limit)), error.toString());
        assertEquals(0, claudeCalls());
        assertEquals(0, json(get("api/conversations").body()).path("conversations").size(),
                "a conversation was created for a refused message");

        String id = turn(first, null);
        JsonNode before = saved(id, "");
        long calls = claudeCalls();

        // Alone over the limit in an existing conversation: still 413.
        error(alice.send("POST", "api/chat", "application/json", body(large, id)), 413, "message_too_large");
        // Fits alone, not with what the conversation holds: 409.
        HttpResponse<String> full = alice.send("POST", "api/chat", "application/json", body("y".repeat(21), id));
        JsonNode fullError = error(full, 409, "conversation_full");
        assertTrue(fullError.path("message").asText().contains("Start a new conversation"), fullError.toString());
        assertEquals(calls, claudeCalls(), "Claude was called for a refused question");
        assertEquals(before, saved(id, ""), "a refused question changed the conversation");

        // Exactly up to the limit is accepted.
        turn("z".repeat(20), id);
        JsonNode after = saved(id, "");
        assertEquals(4, after.path("messageCount").asInt());
        assertEquals(List.of(first, answer, "z".repeat(20), answer), texts(after));
        assertEquals(calls + 1, claudeCalls());
    }

    @Test
    void aLongConversationIsReadBackInPagesThatWalkToTheFirstMessageWithoutGapsOrOverlaps() throws Exception {
        startApp(Map.of());
        String answer = TranscriptFacts.of("plain_text").text();
        String id = null;
        List<String> expected = new ArrayList<>();
        for (int i = 1; i <= 7; i++) {
            id = turn("question " + i, id);
            expected.add("question " + i);
            expected.add(answer);
        }
        JsonNode whole = saved(id, "");
        assertEquals(14, whole.path("messageCount").asInt());
        assertEquals(expected, texts(whole), "the default page holds all 14, oldest first");
        assertTrue(whole.path("nextCursor").isNull());
        List<String> allIds = new ArrayList<>();
        whole.path("messages").forEach(m -> allIds.add(m.path("id").asText()));

        for (int limit : new int[] {2, 3, 13, 14}) {
            List<List<String>> pages = new ArrayList<>();
            Set<String> seen = new HashSet<>();
            String cursor = null;
            do {
                String query = "?limit=" + limit + (cursor == null ? "" : "&before=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8));
                JsonNode page = json(get("api/conversations/" + id + query).body());
                for (String field : List.of("messageCount", "totalCost", "totalCostEstimated", "title", "updatedAt")) {
                    assertEquals(whole.path(field), page.path(field), field + " on page " + query);
                }
                List<String> ids = new ArrayList<>();
                page.path("messages").forEach(m -> ids.add(m.path("id").asText()));
                assertFalse(ids.isEmpty(), "an empty page at " + query);
                assertTrue(ids.size() <= limit, query + ": " + ids);
                for (String messageId : ids) {
                    assertTrue(seen.add(messageId), "message " + messageId + " on two pages (" + query + ")");
                }
                // Chronological within the page: the same order as in the whole conversation.
                int at = allIds.indexOf(ids.getFirst());
                assertEquals(allIds.subList(at, at + ids.size()), ids, "page " + query + " is not in order");
                pages.add(ids);
                JsonNode next = page.path("nextCursor");
                assertTrue(next.isNull() || next.isTextual(), next.toString());
                cursor = next.isNull() ? null : next.asText();
                assertTrue(pages.size() <= 14, "the cursor never ends");
            } while (cursor != null);

            assertEquals(allIds.subList(allIds.size() - pages.getFirst().size(), allIds.size()), pages.getFirst(),
                    "the first page is not the newest messages");
            assertEquals(allIds.getFirst(), pages.getLast().getFirst(), "the walk did not reach the first message");
            List<String> walked = new ArrayList<>();
            for (List<String> page : pages.reversed()) {
                walked.addAll(page);
            }
            assertEquals(allIds, walked, "limit " + limit);
            assertEquals((14 + limit - 1) / limit, pages.size(), "limit " + limit + ": " + pages);
            for (List<String> page : pages.subList(0, pages.size() - 1)) {
                assertEquals(limit, page.size(), "only the oldest page may be short: " + pages);
            }
        }
    }

    @Test
    void badLimitOrBeforeIsA400JsonErrorAndTheBoundsAreAccepted() throws Exception {
        startApp(Map.of());
        String id = turn("hello", null);
        saved(id, "");
        for (String query : List.of("limit=0", "limit=501", "limit=-1", "limit=ten", "limit=1.5",
                "before=abc", "before=-1", "before=1e3", "before=12345678901", "before=%00", "limit=2&before=x")) {
            HttpResponse<String> response = get("api/conversations/" + id + "?" + query);
            JsonNode error = error(response, 400, "invalid_request");
            assertFalse(error.path("message").asText().isBlank(), query);
        }
        for (String query : List.of("limit=1", "limit=500", "limit=2")) {
            HttpResponse<String> response = get("api/conversations/" + id + "?" + query);
            assertEquals(200, response.statusCode(), query + ": " + response.body());
            assertEquals(query.equals("limit=1") ? 1 : 2, json(response.body()).path("messages").size(), query);
        }
        String cursor = json(get("api/conversations/" + id + "?limit=1").body()).path("nextCursor").textValue();
        assertNotNull(cursor);
        JsonNode oldest = json(get("api/conversations/" + id + "?limit=1&before=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8)).body());
        assertEquals(List.of("hello"), texts(oldest));
        assertTrue(oldest.path("nextCursor").isNull());
    }
}
