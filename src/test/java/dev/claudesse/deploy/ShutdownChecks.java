package dev.claudesse.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.claudesse.fake.FakeClaude;
import dev.claudesse.fake.Gate;
import dev.claudesse.fake.Script;
import dev.claudesse.testsupport.Browser;
import dev.claudesse.testsupport.EventStreamReader;
import dev.claudesse.testsupport.EventStreamReader.Event;
import dev.claudesse.testsupport.SavedMessages;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static dev.claudesse.testsupport.Events.json;
import static dev.claudesse.testsupport.Events.last;
import static dev.claudesse.testsupport.Events.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What every container must do when it stops mid-answer, checked the same way on each. */
final class ShutdownChecks {

    static final Duration T = Duration.ofSeconds(15);

    private ShutdownChecks() {
    }

    /** Starts an answer whose Claude sent a few deltas and then waits for a gate nobody opens. */
    static EventStreamReader answerInFlight(FakeClaude fake, URI app) throws Exception {
        Gate gate = new Gate();
        fake.enqueue(Script.transcript("long_text").gated(gate, 2));
        EventStreamReader stream = new Browser(app).chat("{\"message\":\"hi\"}");
        assertEquals(200, stream.status());
        assertEquals("start", stream.nextNonPing(T).type());
        gate.release(2);
        assertEquals("chunk", stream.nextNonPing(T).type());
        assertEquals("chunk", stream.nextNonPing(T).type());
        return stream;
    }

    /** The browser's stream ends with error(shutdown, retryable), and the text it got is saved as interrupted. */
    static void assertEndsWithShutdownError(EventStreamReader stream, SavedMessages saved) throws Exception {
        try (stream) {
            List<Event> all = new ArrayList<>(stream.seen());
            all.addAll(stream.readToEnd(T));
            Event end = last(all);
            assertEquals("error", end.type(), all.toString());
            JsonNode error = json(end);
            assertEquals("shutdown", error.path("type").asText(), end.data());
            assertTrue(error.path("retryable").asBoolean(), end.data());
            assertFalse(text(all).isEmpty(), "the text sent before the shutdown stands");
            String messageId = json(all.get(0)).path("messageId").asText();
            assertEquals(text(all), saved.await(messageId, "interrupted", T).content());
        }
    }
}
