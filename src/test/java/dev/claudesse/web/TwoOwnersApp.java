package dev.claudesse.web;

import dev.claudesse.fake.FakeClaude;
import dev.claudesse.testsupport.Browser;
import dev.claudesse.testsupport.EmbeddedApp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import static dev.claudesse.testsupport.Events.json;
import static dev.claudesse.testsupport.Events.only;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.claudesse.testsupport.EventStreamReader;
import dev.claudesse.testsupport.EventStreamReader.Event;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the tests of owners' conversations share: the app on an embedded Tomcat against a fake Claude, with its
 * data in a directory of the test's own, and two anonymous owners' browsers, alice and bob, to show that one
 * never sees or changes what is the other's. startApp() again starts the app anew on the same data.
 */
abstract class TwoOwnersApp {

    static final String ALICE = "alice-anonymous-owner-id-0001";
    static final String BOB = "bob-anonymous-owner-id-00000002";

    static final Duration T = Duration.ofSeconds(10);

    @TempDir
    Path dataDir;
    FakeClaude fake;
    EmbeddedApp app;
    Browser alice;
    Browser bob;

    /** Settings of the test's own, besides the key, Claude's address and the data directory. */
    Map<String, String> settings() {
        return Map.of();
    }

    @BeforeEach
    void startFakeAndApp() throws Exception {
        fake = FakeClaude.start();
        startApp();
    }

    void startApp() throws Exception {
        Map<String, String> settings = new HashMap<>(settings());
        settings.put("ANTHROPIC_API_KEY", "sk-ant-test-" + getClass().getSimpleName());
        settings.put("ANTHROPIC_BASE_URL", fake.baseUrl().toString());
        settings.put("CLAUDE_SSE_DATA_DIR", dataDir.toString());
        app = EmbeddedApp.start(0, settings);
        alice = new Browser(app.baseUri(), ALICE);
        bob = new Browser(app.baseUri(), BOB);
    }

    @AfterEach
    void stopAppAndFake() throws Exception {
        if (app != null) {
            app.close();
        }
        if (fake != null) {
            fake.close();
        }
    }

    /** One answer read to its end: its events, and the start event's ids. */
    record Chat(List<Event> events, String conversationId, String messageId) {
        JsonNode cost() {
            return json(only(events, "cost"));
        }
    }

    Chat chat(Browser browser, String body) throws Exception {
        try (EventStreamReader stream = browser.chat(body)) {
            assertEquals(200, stream.status());
            List<Event> events = stream.readToEnd(T);
            JsonNode start = json(events.getFirst());
            return new Chat(events, start.path("conversationId").asText(), start.path("messageId").asText());
        }
    }

    /** GET the conversation until no answer in it is still streaming (saving is asynchronous). */
    JsonNode savedConversation(Browser browser, String conversationId) throws Exception {
        long deadline = System.nanoTime() + T.toNanos();
        while (true) {
            HttpResponse<String> response = browser.send("GET", "api/conversations/" + conversationId, null, null);
            assertEquals(200, response.statusCode(), response.body());
            JsonNode conversation = json(response.body());
            boolean streaming = false;
            for (JsonNode message : conversation.path("messages")) {
                streaming |= message.path("status").asText().equals("streaming");
            }
            if (!streaming) {
                return conversation;
            }
            assertTrue(System.nanoTime() < deadline, "still streaming: " + conversation);
            Thread.sleep(50);
        }
    }
}
