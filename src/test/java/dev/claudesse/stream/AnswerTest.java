package dev.claudesse.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.claudesse.claude.BodySink;
import dev.claudesse.claude.ClaudeRequest;
import dev.claudesse.claude.Message;
import dev.claudesse.claude.RetryPolicy;
import dev.claudesse.claude.StreamBody;
import dev.claudesse.claude.Upstream;
import dev.claudesse.claude.UpstreamBody;
import dev.claudesse.claude.UpstreamResponse;
import dev.claudesse.dialect.ProductDialect;
import dev.claudesse.models.ModelPolicy;
import dev.claudesse.models.ModelTable;
import dev.claudesse.store.AnswerEnd;
import dev.claudesse.store.AnswerStart;
import dev.claudesse.store.AnswerStatus;
import dev.claudesse.store.ConversationStore;
import dev.claudesse.store.Started;
import dev.claudesse.store.StoredAnswer;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One answer's life against a scripted upstream, on the test's thread: what it streams, how it ends,
 * and what it saves.
 */
class AnswerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    static final String START = "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"model\":"
            + "\"claude-sonnet-5-5\",\"usage\":{\"input_tokens\":10,\"output_tokens\":1}}}\n\n";
    static final String END = "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":"
            + "{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":5}}\n\n"
            + "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";

    static String text(String json) {
        return "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":"
                + "{\"type\":\"text_delta\",\"text\":" + json + "}}\n\n";
    }

    /** Answers each open() with the next body; a body may run an action once the sink has had it all. */
    static final class ScriptedUpstream implements Upstream {
        final Deque<UpstreamBody> bodies = new ArrayDeque<>();
        int opened;

        ScriptedUpstream then(String sse) {
            bodies.add(new StreamBody(new ByteArrayInputStream(sse.getBytes(StandardCharsets.UTF_8))));
            return this;
        }

        /** A body that arrives in these parts, a millisecond apart, as a network would deliver it. */
        ScriptedUpstream thenInParts(String... parts) {
            bodies.add(new UpstreamBody() {
                public void deliver(BodySink sink) {
                    for (String part : parts) {
                        byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
                        if (!sink.accept(bytes, 0, bytes.length)) {
                            return;
                        }
                        try {
                            Thread.sleep(1);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return;
                        }
                    }
                }

                public void cancel() {
                }

                public void close() {
                }
            });
            return this;
        }

        ScriptedUpstream then(String sse, Runnable afterDelivery) {
            StreamBody body = new StreamBody(new ByteArrayInputStream(sse.getBytes(StandardCharsets.UTF_8)));
            bodies.add(new UpstreamBody() {
                public void deliver(BodySink sink) throws IOException {
                    body.deliver(sink);
                    afterDelivery.run();
                }

                public void cancel() {
                    body.cancel();
                }

                public void close() {
                    body.close();
                }
            });
            return this;
        }

        @Override
        public UpstreamResponse open(ClaudeRequest request, java.util.concurrent.CompletionStage<Void> stopped) {
            opened++;
            return new UpstreamResponse(200, "req_" + opened, null, bodies.remove());
        }

        @Override
        public boolean isDemo() {
            return false;
        }
    }

    /** Keeps what finish() was given. */
    static final class SavedEnds implements ConversationStore {
        final List<AnswerEnd> ends = new ArrayList<>();
        final List<String> progress = new ArrayList<>();
        Duration progressInterval = Duration.ZERO;

        public Duration progressInterval() {
            return progressInterval;
        }

        public void saveProgress(String messageId, String text, String thinking) {
            progress.add(messageId + ":" + text);
        }

        public Started begin(AnswerStart start) {
            throw new UnsupportedOperationException();
        }

        public void finish(AnswerEnd end) {
            ends.add(end);
        }

        public Optional<StoredAnswer> findAnswer(String owner, String messageId) {
            return Optional.empty();
        }

        public boolean isReachable() {
            return true;
        }

        public void close() {
        }
    }

    private final SavedEnds store = new SavedEnds();

    private Answer answer(Upstream upstream, Consumer<Answer> onEnd) throws IOException {
        return answer("m1", upstream, store, onEnd);
    }

    /** An answer of owner "owner" with the given id, its upstream and store. */
    static Answer answer(String messageId, Upstream upstream, ConversationStore store, Consumer<Answer> onEnd)
            throws IOException {
        ModelPolicy models = new ModelPolicy(ModelTable.load(JSON, null), null, Set.of(), Clock.systemUTC());
        AnswerServices services = new AnswerServices(upstream, models, new RetryPolicy(2, Duration.ZERO, Duration.ZERO),
                JSON, store);
        ClaudeRequest request = new ClaudeRequest("claude-sonnet-5-5", null, 1000, null, null, null,
                List.of(new Message("user", "hi", List.of())));
        return new Answer(messageId, "c1", "owner", request, services, ProductDialect.INSTANCE, onEnd);
    }

    /** The answer's events as (type, data) pairs. */
    private static List<String[]> events(Answer answer) {
        EventLog.Snapshot snapshot = answer.log().snapshot();
        List<String[]> out = new ArrayList<>();
        for (int i = 0; i < snapshot.size(); i++) {
            String frame = new String(snapshot.frame(i), StandardCharsets.UTF_8);
            String type = frame.replaceFirst("(?s).*event: ([^\n]*)\n.*", "$1");
            String data = frame.replaceFirst("(?s).*data: ([^\n]*)\n.*", "$1");
            out.add(new String[] {type, data});
        }
        return out;
    }

    private static String streamedText(Answer answer) throws IOException {
        StringBuilder text = new StringBuilder();
        for (String[] e : events(answer)) {
            if (e[0].equals("chunk")) {
                text.append(JSON.readTree(e[1]).path("text").asText());
            }
        }
        return text.toString();
    }

    private static JsonNode last(Answer answer, String type) throws IOException {
        JsonNode found = null;
        for (String[] e : events(answer)) {
            if (e[0].equals(type)) {
                found = JSON.readTree(e[1]);
            }
        }
        return found;
    }

    @Test
    void theTextSoFarGoesToTheStoreOncePerProgressInterval() throws IOException {
        String[] parts = {START, text("\"One, \""), text("\"two, \"") + text("\"three.\""), END};
        store.progressInterval = Duration.ofNanos(1); // due at each arrival of bytes, once
        answer(new ScriptedUpstream().thenInParts(parts), a -> { }).run();
        assertEquals(List.of("m1:One, ", "m1:One, two, "), store.progress,
                "two pieces that arrived together: their time is one, so the second is not due yet");
        assertEquals("One, two, three.", store.ends.getFirst().text());

        SavedEnds rare = new SavedEnds();
        rare.progressInterval = Duration.ofHours(1);
        answer("m2", new ScriptedUpstream().thenInParts(parts), rare, a -> { }).run();
        assertEquals(List.of(), rare.progress, "not due within an hour");

        SavedEnds off = new SavedEnds(); // interval zero: saved only at the end
        answer("m3", new ScriptedUpstream().thenInParts(parts), off, a -> { }).run();
        assertEquals(List.of(), off.progress);
        assertEquals("One, two, three.", off.ends.getFirst().text());
    }

    @Test
    void aStopThatArrivesAfterClaudeFinishedLeavesTheAnswerComplete() throws IOException {
        ScriptedUpstream upstream = new ScriptedUpstream();
        Answer[] self = new Answer[1];
        upstream.then(START + text("\"All done.\"") + END, () -> self[0].stop());
        self[0] = answer(upstream, a -> { });
        self[0].run();
        assertEquals(AnswerStatus.COMPLETE, self[0].status());
        assertEquals("end_turn", last(self[0], "done").path("stopReason").asText());
        assertFalse(last(self[0], "cost").path("estimated").asBoolean());
        assertEquals(AnswerStatus.COMPLETE, store.ends.getFirst().status());
        assertEquals("end_turn", store.ends.getFirst().stopReason());
    }

    @Test
    void anOverloadedEventBeforeAnyTextIsRetriedLikeADrop() throws IOException {
        ScriptedUpstream upstream = new ScriptedUpstream()
                .then(START + "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\","
                        + "\"message\":\"Overloaded\"}}\n\n")
                .then(START + text("\"Second time lucky.\"") + END);
        Answer answer = answer(upstream, a -> { });
        answer.run();
        assertEquals(2, upstream.opened);
        JsonNode status = last(answer, "status");
        assertEquals("retrying", status.path("stage").asText());
        assertEquals("overloaded_error", status.path("reason").asText());
        assertEquals("Second time lucky.", streamedText(answer));
        assertEquals(AnswerStatus.COMPLETE, answer.status());
    }

    @Test
    void anOverloadedEventAfterTextIsNotRetried() throws IOException {
        ScriptedUpstream upstream = new ScriptedUpstream()
                .then(START + text("\"Half \"") + "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":"
                        + "\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n");
        Answer answer = answer(upstream, a -> { });
        answer.run();
        assertEquals(1, upstream.opened);
        assertEquals("overloaded", last(answer, "error").path("type").asText());
    }

    @Test
    void aLoneSurrogateIsStreamedAndSavedAsTheSameReplacementCharacter() throws IOException {
        // Claude's JSON may escape half of an emoji on its own; Java then holds a lone surrogate
        ScriptedUpstream upstream = new ScriptedUpstream()
                .then(START + text("\"cut \\ud83d\"") + text("\"\\ude00 here\"") + END);
        Answer answer = answer(upstream, a -> { });
        answer.run();
        assertEquals("done", events(answer).getLast()[0], "the answer failed: " + last(answer, "error"));
        assertEquals("cut \uFFFD\uFFFD here", streamedText(answer));
        assertEquals(streamedText(answer), store.ends.getFirst().text(), "saved text differs from the streamed text");
    }

    @Test
    void theSlotIsFreeAndTheAnswerSavedBeforeTheBrowserHearsTheEnd() throws IOException {
        ScriptedUpstream upstream = new ScriptedUpstream().then(START + text("\"Quick.\"") + END);
        List<String> seenAtEnd = new ArrayList<>();
        Answer answer = answer(upstream, a -> seenAtEnd.add("slot freed, saved " + store.ends.size()
                + ", terminal sent " + events(a).stream().anyMatch(e -> e[0].equals("done"))));
        answer.run();
        assertEquals(List.of("slot freed, saved 1, terminal sent false"), seenAtEnd);
    }

    @Test
    void anEndedAnswerHoldsItsFramesOnly() throws Exception {
        ScriptedUpstream upstream = new ScriptedUpstream().then(START + text("\"" + "x".repeat(10_000) + "\"") + END);
        Answer answer = answer(upstream, a -> { });
        answer.run();
        assertEquals(10_000, store.ends.getFirst().text().length());
        for (String field : List.of("request", "text", "thinking")) {
            java.lang.reflect.Field f = Answer.class.getDeclaredField(field);
            f.setAccessible(true);
            Object value = f.get(answer);
            assertTrue(value == null || (value instanceof StringBuilder b && b.capacity() == 0),
                    field + " is still held after the end: " + (value == null ? null : value.getClass()));
        }
    }
}
