package dev.claudesse.testsupport;

import dev.claudesse.fake.FakeClaude;
import dev.claudesse.fake.Gate;
import dev.claudesse.fake.Script;
import dev.claudesse.testsupport.EventStreamReader.Event;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static dev.claudesse.testsupport.Events.json;
import static dev.claudesse.testsupport.Events.last;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The resume every setup must survive (embedded, each container, behind nginx): the browser drops
 * mid-answer, Claude goes on, the browser comes back with Last-Event-ID.
 */
public final class ResumeScenario {

    /** The answer's id, and every event the browser saw: the first stream's, then the resumed one's. */
    public record Result(String messageId, List<Event> events) {
    }

    private ResumeScenario() {
    }

    /**
     * Streams transcript long_text, drops the connection after {@code shown} chunks, lets Claude send
     * {@code whileAway} more, then resumes from the last id seen and reads to the end. Checks that the
     * resume answers 200 and continues at exactly the next id: no gap, no duplicate.
     */
    public static Result run(Browser browser, FakeClaude fake, int shown, int whileAway, Duration timeout)
            throws Exception {
        Gate gate = new Gate();
        fake.enqueue(Script.transcript("long_text").gated(gate, 2));
        List<Event> seen = new ArrayList<>();
        String messageId;
        try (EventStreamReader stream = browser.chat("{\"message\":\"hi\"}")) {
            seen.add(stream.nextNonPing(timeout));
            messageId = json(seen.get(0)).path("messageId").asText();
            gate.release(shown);
            for (int i = 0; i < shown; i++) {
                seen.add(stream.nextNonPing(timeout));
            }
        }
        gate.release(whileAway); // produced while no browser listens
        long lastId = Long.parseLong(last(seen).id());
        try (EventStreamReader resumed = browser.resume(messageId, lastId)) {
            assertEquals(200, resumed.status());
            Event next = resumed.nextNonPing(timeout);
            assertEquals(Long.toString(lastId + 1), next.id(), "no gap, no duplicate");
            seen.add(next);
            gate.open();
            seen.addAll(resumed.readToEnd(timeout));
        }
        return new Result(messageId, seen);
    }
}
