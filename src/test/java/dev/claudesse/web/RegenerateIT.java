package dev.claudesse.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.claudesse.fake.Gate;
import dev.claudesse.fake.Script;
import dev.claudesse.fake.TranscriptFacts;
import dev.claudesse.testsupport.Browser;
import dev.claudesse.testsupport.EventStreamReader;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import static dev.claudesse.testsupport.Events.json;
import static dev.claudesse.testsupport.Events.last;
import static dev.claudesse.testsupport.Events.text;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * POST api/chat with "regenerate": true: the latest question is asked again without the pair it replaces
 * in the history sent to Claude, the stored conversation shows the new answer in the old one's place with
 * replaces, and the request is refused clearly when there is nothing (of the owner's) to regenerate.
 */
class RegenerateIT extends TwoOwnersApp {

    static String regenerate(String conversationId) {
        return "{\"regenerate\":true,\"conversationId\":\"" + conversationId + "\"}";
    }

    static void assertRefused(HttpResponse<String> response, int status, String type) throws Exception {
        assertEquals(status, response.statusCode(), response.body());
        assertEquals(type, json(response.body()).path("error").path("type").asText(), response.body());
    }

    HttpResponse<String> post(Browser browser, String body) throws Exception {
        return browser.send("POST", "api/chat", "application/json", body);
    }

    @Test
    void theNewAnswerReplacesTheLatestAndTheReplacedPairIsNotSentToClaude() throws Exception {
        TranscriptFacts plain = TranscriptFacts.of("plain_text");
        TranscriptFacts longText = TranscriptFacts.of("long_text");
        fake.enqueue(Script.transcript("plain_text"));
        Chat first = chat(alice, "{\"message\":\"first question\"}");
        fake.enqueue(Script.transcript("plain_text"));
        Chat second = chat(alice, "{\"message\":\"second question\",\"conversationId\":\"" + first.conversationId() + "\"}");
        savedConversation(alice, first.conversationId());

        fake.enqueue(Script.transcript("long_text"));
        Chat again = chat(alice, regenerate(first.conversationId()));
        assertEquals(first.conversationId(), again.conversationId());
        assertEquals(longText.text(), text(again.events()));

        JsonNode sent = json(last(fake.requests()).body()).path("messages");
        assertEquals(3, sent.size(), sent.toString());
        assertEquals("first question", sent.get(0).path("content").asText());
        assertEquals(plain.text(), sent.get(1).path("content").asText());
        assertEquals("second question", sent.get(2).path("content").asText(), "the latest question asked again");

        JsonNode conversation = savedConversation(alice, first.conversationId());
        JsonNode messages = conversation.path("messages");
        assertEquals(4, messages.size(), conversation.toString());
        assertEquals(4, conversation.path("messageCount").asInt());
        assertEquals("second question", messages.get(2).path("text").asText());
        JsonNode answer = messages.get(3);
        assertEquals(again.messageId(), answer.path("id").asText());
        assertEquals(second.messageId(), answer.path("replaces").asText());
        assertEquals(longText.text(), answer.path("text").asText());
        assertEquals("complete", answer.path("status").asText());

        fake.enqueue(Script.transcript("plain_text"));
        chat(alice, "{\"message\":\"third question\",\"conversationId\":\"" + first.conversationId() + "\"}");
        JsonNode history = json(last(fake.requests()).body()).path("messages");
        List<String> texts = new ArrayList<>();
        history.forEach(m -> texts.add(m.path("content").asText()));
        assertEquals(List.of("first question", plain.text(), "second question", longText.text(), "third question"),
                texts, "a later question's history has the new answer, not the one it replaced");
    }

    @Test
    void aRegenerationIsRefusedWhenThereIsNothingOfTheOwnersToRegenerate() throws Exception {
        assertRefused(post(alice, "{\"regenerate\":true}"), 400, "invalid_request");
        assertRefused(post(alice, "{\"regenerate\":\"yes\",\"conversationId\":\"x\"}"), 400, "invalid_request");

        fake.enqueue(Script.transcript("plain_text"));
        Chat first = chat(alice, "{\"message\":\"only question\"}");
        savedConversation(alice, first.conversationId());
        int requests = fake.requests().size();

        assertRefused(post(alice, "{\"regenerate\":true,\"message\":\"only question\",\"conversationId\":\""
                + first.conversationId() + "\"}"), 400, "invalid_request");
        assertRefused(post(bob, regenerate(first.conversationId())), 404, "conversation_not_found");
        assertRefused(post(alice, regenerate("no-such-conversation")), 404, "conversation_not_found");
        assertEquals(requests, fake.requests().size(), "no refused regeneration reaches Claude");

        JsonNode conversation = savedConversation(alice, first.conversationId());
        assertEquals(2, conversation.path("messages").size());
        assertEquals(first.messageId(), conversation.path("messages").get(1).path("id").asText(),
                "another owner's regeneration replaced nothing");
    }

    @Test
    void aStreamingAnswerIsNotRegenerated() throws Exception {
        Gate gate = new Gate();
        fake.enqueue(Script.transcript("long_text").gated(gate, 2));
        try (EventStreamReader stream = alice.chat("{\"message\":\"a long story\"}")) {
            JsonNode start = json(stream.nextNonPing(T));
            String conversationId = start.path("conversationId").asText();
            assertRefused(post(alice, regenerate(conversationId)), 409, "answer_streaming");
            gate.open();
            stream.readToEnd(T);
        }
    }
}
