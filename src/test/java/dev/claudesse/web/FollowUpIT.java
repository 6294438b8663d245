package dev.claudesse.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.claudesse.fake.FakeClaude;
import dev.claudesse.fake.Script;
import dev.claudesse.testsupport.Browser;
import dev.claudesse.testsupport.EmbeddedApp;
import dev.claudesse.testsupport.EventStreamReader;
import dev.claudesse.testsupport.EventStreamReader.Event;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.claudesse.testsupport.Events.json;
import static dev.claudesse.testsupport.Events.last;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A person who asks again the moment an answer ends (issue 11, item 5): with one answer per owner and a
 * Claude that answers at once, every follow-up is accepted, and Claude hears the answer just given.
 */
class FollowUpIT {

    static final Duration T = Duration.ofSeconds(10);
    static FakeClaude fake;
    static EmbeddedApp app;

    @BeforeAll
    static void start() throws Exception {
        fake = FakeClaude.start();
        app = EmbeddedApp.start(0, Map.of(
                "ANTHROPIC_API_KEY", "sk-ant-test-followup",
                "ANTHROPIC_BASE_URL", fake.baseUrl().toString(),
                "CLAUDE_SSE_MAX_ANSWERS_PER_OWNER", "1",
                "CLAUDE_SSE_DATA_DIR", Files.createTempDirectory("claude-sse-followup").toString()));
    }

    @AfterAll
    static void stop() throws Exception {
        app.close();
        fake.close();
    }

    private static String answer(String text) {
        return "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"model\":\"claude-sonnet-5-5\","
                + "\"usage\":{\"input_tokens\":5,\"output_tokens\":1}}}\n\n"
                + "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":"
                + "{\"type\":\"text_delta\",\"text\":\"" + text + "\"}}\n\n"
                + "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},"
                + "\"usage\":{\"output_tokens\":3}}\n\n"
                + "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";
    }

    @Test
    void everyFollowUpIsAcceptedAndCarriesThePreviousAnswer() throws Exception {
        Browser browser = new Browser(app.baseUri());
        List<EventStreamReader> streams = new ArrayList<>();
        String conversation = null;
        for (int turn = 1; turn <= 25; turn++) {
            fake.enqueue(Script.sse(answer("answer number " + turn)));
            String body = conversation == null ? "{\"message\":\"question 1\"}"
                    : "{\"message\":\"question " + turn + "\",\"conversationId\":\"" + conversation + "\"}";
            // like a browser, ask again as soon as the terminal event arrives, before the response has closed
            EventStreamReader stream = browser.chat(body);
            streams.add(stream);
            assertEquals(200, stream.status(), "turn " + turn + " was refused: " + stream.status());
            Event event = stream.nextNonPing(T);
            if (conversation == null) {
                conversation = json(event).path("conversationId").asText();
            }
            while (!event.type().equals("done") && !event.type().equals("error")) {
                event = stream.nextNonPing(T);
            }
            assertEquals("done", event.type(), "turn " + turn + ": " + event.data());
            JsonNode sent = json(last(fake.requests()).body()).path("messages");
            assertEquals(2 * turn - 1, sent.size(), "turn " + turn + " sent " + sent);
            if (turn > 1) {
                JsonNode previous = sent.get(sent.size() - 2);
                assertEquals("assistant", previous.path("role").asText());
                assertTrue(previous.path("content").asText().contains("answer number " + (turn - 1)),
                        "turn " + turn + " did not carry the previous answer: " + sent);
            }
        }
        for (EventStreamReader stream : streams) {
            stream.close();
        }
    }
}
