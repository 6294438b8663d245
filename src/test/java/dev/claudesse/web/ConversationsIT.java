package dev.claudesse.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.claudesse.fake.Gate;
import dev.claudesse.fake.Script;
import dev.claudesse.fake.TranscriptFacts;
import dev.claudesse.testsupport.Browser;
import dev.claudesse.testsupport.EventStreamReader;
import dev.claudesse.testsupport.EventStreamReader.Event;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import static dev.claudesse.testsupport.Events.json;
import static dev.claudesse.testsupport.Events.last;
import static dev.claudesse.testsupport.Events.only;
import static dev.claudesse.testsupport.Events.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The conversations API on a real embedded Tomcat with the default store (an H2 file in the data dir),
 * against the fake Claude: answers saved with their ending, history sent as context, a restart keeps
 * everything, and another owner sees nothing.
 */
class ConversationsIT extends TwoOwnersApp {

    static String body(String message, String conversationId) {
        return conversationId == null ? "{\"message\":\"" + message + "\"}"
                : "{\"message\":\"" + message + "\",\"conversationId\":\"" + conversationId + "\"}";
    }

    @Test
    void twoTurnsAreSavedWithCostsSentAsContextAndSurviveARestart() throws Exception {
        TranscriptFacts facts = TranscriptFacts.of("plain_text");
        fake.enqueue(Script.transcript("plain_text"));
        Chat first = chat(alice, body("first question", null));
        fake.enqueue(Script.transcript("plain_text"));
        Chat second = chat(alice, body("second question", first.conversationId()));
        assertEquals(first.conversationId(), second.conversationId());

        JsonNode sent = json(last(fake.requests()).body()).path("messages");
        assertEquals(3, sent.size(), sent.toString());
        assertEquals(List.of("user", "assistant", "user"), List.of(sent.get(0).path("role").asText(),
                sent.get(1).path("role").asText(), sent.get(2).path("role").asText()));
        assertEquals("first question", sent.get(0).path("content").asText());
        assertEquals(facts.text(), sent.get(1).path("content").asText());
        assertEquals("second question", sent.get(2).path("content").asText());

        JsonNode before = savedConversation(alice, first.conversationId());
        app.close();
        app = null;
        startApp();
        JsonNode after = savedConversation(alice, first.conversationId());

        assertEquals(before, after, "the conversation is the same after a restart");
        assertEquals("first question", after.path("title").asText());
        JsonNode messages = after.path("messages");
        assertEquals(4, messages.size());
        for (int i : new int[] {1, 3}) {
            JsonNode answer = messages.get(i);
            Chat chat = i == 1 ? first : second;
            assertEquals(chat.messageId(), answer.path("id").asText());
            assertEquals("complete", answer.path("status").asText());
            assertEquals(facts.text(), answer.path("text").asText());
            assertEquals(facts.stopReason(), answer.path("stopReason").asText());
            assertEquals(chat.cost().path("outputTokens").asLong(), answer.path("usage").path("outputTokens").asLong());
            assertEquals(0, chat.cost().path("totalCost").decimalValue().compareTo(answer.path("cost").decimalValue()));
        }
        BigDecimal total = first.cost().path("totalCost").decimalValue().add(second.cost().path("totalCost").decimalValue());
        assertEquals(0, total.compareTo(after.path("totalCost").decimalValue()), after.toString());
        assertEquals("USD", after.path("currency").asText());
    }

    @Test
    void aStoppedAnswerIsSavedWithItsPartialTextAndCost() throws Exception {
        Gate gate = new Gate();
        fake.enqueue(Script.transcript("long_text").gated(gate, 2));
        String conversationId;
        String messageId;
        List<Event> events = new ArrayList<>();
        try (EventStreamReader stream = alice.chat(body("tell me a long story", null))) {
            JsonNode start = json(stream.nextNonPing(T));
            conversationId = start.path("conversationId").asText();
            messageId = start.path("messageId").asText();
            gate.release(3);
            for (int i = 0; i < 3; i++) {
                events.add(stream.nextNonPing(T));
            }
            assertEquals(200, alice.stop(messageId).statusCode());
            events.addAll(stream.readToEnd(T));
        }
        JsonNode answer = savedConversation(alice, conversationId).path("messages").get(1);

        assertEquals("stopped", answer.path("status").asText());
        assertEquals(text(events), answer.path("text").asText());
        assertFalse(answer.path("text").asText().isEmpty());
        JsonNode cost = json(only(events, "cost"));
        assertEquals(0, cost.path("totalCost").decimalValue().compareTo(answer.path("cost").decimalValue()));
        assertTrue(answer.path("costEstimated").asBoolean());
    }

    @Test
    void aDroppedAnswerIsSavedWithItsPartialTextAndAnEstimatedCost() throws Exception {
        fake.enqueue(Script.transcript("dropped").dropAfter(5));
        Chat chat = chat(alice, body("hi", null));
        JsonNode answer = savedConversation(alice, chat.conversationId()).path("messages").get(1);

        assertEquals("error", answer.path("status").asText());
        assertEquals(TranscriptFacts.of("dropped").text(), answer.path("text").asText());
        assertEquals("upstream_dropped", answer.path("error").path("type").asText());
        assertTrue(answer.path("costEstimated").asBoolean());
        assertEquals(0, chat.cost().path("totalCost").decimalValue().compareTo(answer.path("cost").decimalValue()));
    }

    @Test
    void theAnonymousOwnerCookieIsRandomHttpOnlyAndLax() throws Exception {
        java.util.Set<String> owners = new java.util.HashSet<>();
        for (int i = 0; i < 2; i++) {
            fake.enqueue(Script.transcript("plain_text"));
            HttpResponse<String> response = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(app.baseUri().resolve("api/chat"))
                            .header("Content-Type", "application/json")
                            .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body("hi", null))).build(),
                    HttpResponse.BodyHandlers.ofString());
            String cookie = response.headers().firstValue("set-cookie").orElseThrow();
            java.util.regex.Matcher value = java.util.regex.Pattern
                    .compile("^claude_sse_owner=([A-Za-z0-9_-]+);").matcher(cookie);
            assertTrue(value.find(), cookie);
            assertTrue(value.group(1).length() >= 22, "at least 128 random bits: " + cookie);
            assertTrue(cookie.contains("HttpOnly"), cookie);
            assertTrue(cookie.contains("SameSite=Lax"), cookie);
            assertFalse(cookie.contains("Secure"), "not Secure over plain http: " + cookie);
            owners.add(value.group(1));
        }
        assertEquals(2, owners.size(), "each new browser gets its own owner");
    }

    @Test
    void anUpstreamErrorIsSavedWithItsPartialTextAndErrorType() throws Exception {
        fake.enqueue(Script.transcript("overloaded_midstream"));
        Chat chat = chat(alice, body("hi", null));
        JsonNode answer = savedConversation(alice, chat.conversationId()).path("messages").get(1);

        assertEquals("error", answer.path("status").asText());
        assertEquals(text(chat.events()), answer.path("text").asText());
        assertEquals("overloaded", answer.path("error").path("type").asText());
        assertEquals(0, chat.cost().path("totalCost").decimalValue().compareTo(answer.path("cost").decimalValue()));
    }

    @Test
    void anAnswerCutByAShutdownIsSavedInterruptedWithItsPartialText() throws Exception {
        TranscriptFacts facts = TranscriptFacts.of("long_text");
        Gate gate = new Gate();
        fake.enqueue(Script.transcript("long_text").gated(gate, 2));
        String conversationId;
        try (EventStreamReader stream = alice.chat(body("long", null))) {
            conversationId = json(stream.nextNonPing(T)).path("conversationId").asText();
            gate.release(3);
            for (int i = 0; i < 3; i++) {
                assertEquals("chunk", stream.nextNonPing(T).type());
            }
            app.close();
            app = null;
        }
        startApp();
        JsonNode answer = savedConversation(alice, conversationId).path("messages").get(1);

        assertEquals("interrupted", answer.path("status").asText());
        String saved = answer.path("text").asText();
        assertFalse(saved.isEmpty());
        assertTrue(facts.text().startsWith(saved), "saved text is the beginning of the answer: " + saved);
    }

    @Test
    void conversationsAreListedNewestFirstInPages() throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            fake.enqueue(Script.transcript("plain_text"));
            ids.add(chat(alice, body("topic " + i, null)).conversationId());
        }
        savedConversation(alice, ids.getLast());

        JsonNode page1 = json(alice.send("GET", "api/conversations?limit=2", null, null).body());
        JsonNode page2 = json(alice.send("GET", "api/conversations?limit=2&offset=" + page1.path("nextOffset").asInt(),
                null, null).body());

        assertEquals(List.of(ids.get(2), ids.get(1)), idsOf(page1));
        assertEquals(List.of(ids.get(0)), idsOf(page2));
        assertTrue(page2.path("nextOffset").isNull());
        assertEquals("topic 2", page1.path("conversations").get(0).path("title").asText());
    }

    @Test
    void badPagingAndWrongMethodsGetClearJsonErrors() throws Exception {
        for (String query : List.of("limit=0", "limit=101", "limit=ten", "offset=-1")) {
            HttpResponse<String> response = alice.send("GET", "api/conversations?" + query, null, null);
            assertEquals(400, response.statusCode(), query);
            assertEquals("invalid_request", json(response.body()).path("error").path("type").asText(), query);
        }
        HttpResponse<String> deleteAll = alice.send("DELETE", "api/conversations", null, null);
        assertEquals(405, deleteAll.statusCode());
        assertEquals("GET", deleteAll.headers().firstValue("allow").orElseThrow());
        assertEquals(405, alice.send("PUT", "api/conversations/x", "application/json", "{}").statusCode());
        HttpResponse<String> nested = alice.send("GET", "api/conversations/a/b", null, null);
        assertEquals(404, nested.statusCode());
        assertEquals("application/json;charset=UTF-8", nested.headers().firstValue("content-type").orElseThrow());
    }

    @Test
    void anotherOwnerSeesExactlyWhatAMissingConversationShowsOnEveryEndpoint() throws Exception {
        Gate gate = new Gate();
        fake.enqueue(Script.transcript("long_text").gated(gate, 2));
        String conversationId;
        String messageId;
        try (EventStreamReader stream = alice.chat(body("alice's secret", null))) {
            JsonNode start = json(stream.nextNonPing(T));
            conversationId = start.path("conversationId").asText();
            messageId = start.path("messageId").asText();

            // resume and stop of a live answer
            assertSameAsMissing(get(bob, "api/chat/" + messageId + "/stream"), get(bob, "api/chat/no-such-message/stream"));
            assertSameAsMissing(bob.stop(messageId), bob.stop("no-such-message"));
            gate.open();
            stream.readToEnd(T);
        }
        savedConversation(alice, conversationId);

        assertSameAsMissing(get(bob, "api/conversations/" + conversationId), get(bob, "api/conversations/nope"));
        assertSameAsMissing(bob.send("DELETE", "api/conversations/" + conversationId, null, null),
                bob.send("DELETE", "api/conversations/nope", null, null));
        HttpResponse<String> intrude = bob.send("POST", "api/chat", "application/json",
                body("let me in", conversationId));
        HttpResponse<String> missing = bob.send("POST", "api/chat", "application/json", body("hello", "nope"));
        assertSameAsMissing(intrude, missing);
        assertEquals(List.of(), idsOf(json(get(bob, "api/conversations").body())));

        // A browser without any owner cookie sees nothing and is given none by reading.
        Browser stranger = new Browser(app.baseUri());
        HttpResponse<String> list = get(stranger, "api/conversations");
        assertEquals(List.of(), idsOf(json(list.body())));
        assertTrue(list.headers().firstValue("set-cookie").isEmpty());
        assertEquals(404, get(stranger, "api/conversations/" + conversationId).statusCode());

        // Alice still has everything.
        assertEquals(List.of(conversationId), idsOf(json(get(alice, "api/conversations").body())));
        assertEquals(2, savedConversation(alice, conversationId).path("messages").size());
    }

    @Test
    void theOwnerDeletesAConversation() throws Exception {
        fake.enqueue(Script.transcript("plain_text"));
        Chat chat = chat(alice, body("forget me", null));
        savedConversation(alice, chat.conversationId());

        HttpResponse<String> deleted = alice.send("DELETE", "api/conversations/" + chat.conversationId(), null, null);

        assertEquals(200, deleted.statusCode());
        assertTrue(json(deleted.body()).path("deleted").asBoolean());
        assertEquals(404, get(alice, "api/conversations/" + chat.conversationId()).statusCode());
        assertEquals(List.of(), idsOf(json(get(alice, "api/conversations").body())));
        assertEquals(404, alice.send("DELETE", "api/conversations/" + chat.conversationId(), null, null).statusCode());
    }

    static HttpResponse<String> get(Browser browser, String path) throws Exception {
        return browser.send("GET", path, null, null);
    }

    static void assertSameAsMissing(HttpResponse<String> other, HttpResponse<String> missing) {
        assertEquals(404, missing.statusCode(), missing.body());
        assertEquals(missing.statusCode(), other.statusCode(), other.body());
        assertEquals(missing.body(), other.body());
        assertEquals(missing.headers().firstValue("content-type"), other.headers().firstValue("content-type"));
    }

    static List<String> idsOf(JsonNode page) {
        List<String> ids = new ArrayList<>();
        page.path("conversations").forEach(c -> ids.add(c.path("id").asText()));
        return ids;
    }

    @Test
    void anAnswerNoLongerInMemoryReplaysFromTheStore() throws Exception {
        fake.enqueue(Script.transcript("plain_text"));
        Chat first = chat(alice, body("hello", null));
        savedConversation(alice, first.conversationId());
        app.close();
        startApp(); // memory is gone; the store is not
        try (EventStreamReader replay = alice.resume(first.messageId(), 0)) {
            assertEquals(200, replay.status());
            List<Event> events = replay.readToEnd(T);
            assertEquals(List.of("start", "chunk", "cost", "done"), events.stream().map(Event::type).toList());
            assertTrue(json(events.get(0)).path("replayed").asBoolean());
            assertEquals("1", events.get(0).id());
            assertEquals(text(first.events()), text(events));
            assertEquals(0, first.cost().path("totalCost").decimalValue()
                    .compareTo(json(events.get(2)).path("totalCost").decimalValue()));
            assertEquals(json(last(first.events())).path("stopReason").asText(),
                    json(events.get(3)).path("stopReason").asText());
        }
        assertEquals(404, bob.send("GET", "api/chat/" + first.messageId() + "/stream", null, null).statusCode());
    }
}
