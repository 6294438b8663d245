package dev.claudesse.fake;

import dev.claudesse.claude.Usage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Proves the transcripts are what transcripts/README.md says, and that they are cut into events right. */
class FakeClaudeTranscriptsTest {

    static final String PLAIN_TEXT = "Hello, world! مرحبا بالعالم 你好，世界 👋🌍🎉 That is all for today.";
    static final Usage PLAIN_USAGE = new Usage(25, 42, 0, 0, 0, 0);

    @ParameterizedTest
    @ValueSource(strings = {"plain_text", "crlf", "cr", "bom", "nospace"})
    void plainTextAndItsVariantsCarryTheSameAnswer(String name) {
        TranscriptFacts facts = TranscriptFacts.of(name);
        assertEquals(PLAIN_TEXT, facts.text());
        assertEquals("end_turn", facts.stopReason());
        assertEquals(PLAIN_USAGE, facts.usage());
        assertTrue(facts.complete());
        assertEquals(11, Script.transcript(name).partCount());
    }

    @Test
    void variantsAreByteExactTransformationsOfPlainText() {
        byte[] plain = Script.transcriptBytes("plain_text");
        String text = new String(plain, StandardCharsets.UTF_8);
        assertFalse(text.contains("\r"), "plain_text uses LF only");
        assertArrayEquals(utf8(text.replace("\n", "\r\n")), Script.transcriptBytes("crlf"));
        assertArrayEquals(utf8(text.replace("\n", "\r")), Script.transcriptBytes("cr"));
        assertArrayEquals(concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, plain), Script.transcriptBytes("bom"));
        String noSpace = text.replaceAll("(?m)^(event|data): ", "$1:");
        assertArrayEquals(utf8(noSpace), Script.transcriptBytes("nospace"));
        assertTrue(noSpace.startsWith("event:message_start\ndata:{"));

        List<TranscriptReader.Event> expected = TranscriptReader.read(plain);
        for (String variant : List.of("crlf", "cr", "bom", "nospace")) {
            assertEquals(expected, TranscriptReader.read(Script.transcriptBytes(variant)), variant);
        }
    }

    @Test
    void toolUse() {
        TranscriptFacts facts = TranscriptFacts.of("tool_use");
        assertEquals("I'll check the weather in Paris for you.", facts.text());
        assertEquals("{\"city\": \"Paris\", \"unit\": \"celsius\"}", facts.toolInput());
        TranscriptFacts.parse(facts.toolInput()); // the joined pieces are valid JSON
        assertEquals("tool_use", facts.stopReason());
        assertEquals(new Usage(310, 68, 0, 0, 0, 0), facts.usage());
        assertEquals(13, Script.transcript("tool_use").partCount());
    }

    @Test
    void thinking() {
        TranscriptFacts facts = TranscriptFacts.of("thinking");
        assertEquals("Let me work out 17 × 23. 17 × 20 = 340 and 17 × 3 = 51, so the product is 391.", facts.thinking());
        assertEquals("EqQBCkYIBRgCKkBfakeSignatureForTestsOnly0000000000==", facts.signature());
        assertEquals("17 × 23 = 391.", facts.text());
        assertEquals("end_turn", facts.stopReason());
        assertEquals(new Usage(48, 95, 0, 0, 0, 0), facts.usage());
        assertEquals(13, Script.transcript("thinking").partCount());
    }

    @Test
    void paddedJsonHasOneEventSplitOverTwoDataLines() {
        List<TranscriptReader.Event> events = TranscriptReader.read(Script.transcriptBytes("padded_json"));
        assertEquals(1, events.stream().filter(e -> e.data().contains("\n")).count());
        TranscriptFacts facts = TranscriptFacts.of(events);
        assertEquals("Padded JSON still parses.", facts.text());
        assertEquals("end_turn", facts.stopReason());
        assertEquals(new Usage(20, 9, 0, 0, 0, 0), facts.usage());
        assertEquals(9, Script.transcript("padded_json").partCount());
    }

    @Test
    void unknownEventsLeaveTheKnownTextIntact() {
        List<TranscriptReader.Event> events = TranscriptReader.read(Script.transcriptBytes("unknown_events"));
        assertEquals(2, events.stream().filter(e -> e.type().equals("future_thing")).count());
        assertTrue(events.stream().anyMatch(e -> e.data().contains("citations_delta")));
        assertEquals("7", events.getLast().id(), "the id: field sticks to later events");
        TranscriptFacts facts = TranscriptFacts.of(events);
        assertEquals("Known text survives.", facts.text());
        assertEquals("end_turn", facts.stopReason());
        assertEquals(new Usage(22, 11, 0, 0, 0, 0), facts.usage());
        assertEquals(10, Script.transcript("unknown_events").partCount());
    }

    @Test
    void twoMessageDeltasAreCumulative() {
        TranscriptFacts facts = TranscriptFacts.of("two_message_deltas");
        assertEquals("Counting tokens twice, and then the answer is cut", facts.text());
        assertEquals("max_tokens", facts.stopReason());
        assertEquals(new Usage(15, 27, 0, 0, 0, 0), facts.usage());
        assertEquals(8, Script.transcript("two_message_deltas").partCount());
    }

    @Test
    void cacheUsage() {
        TranscriptFacts facts = TranscriptFacts.of("cache_usage");
        assertEquals("Cached context was used.", facts.text());
        assertEquals("end_turn", facts.stopReason());
        assertEquals(new Usage(12, 60, 3000, 1000, 2000, 500), facts.usage());
        assertEquals(7, Script.transcript("cache_usage").partCount());
    }

    @Test
    void overloadedMidstreamEndsInAnErrorEvent() {
        TranscriptFacts facts = TranscriptFacts.of("overloaded_midstream");
        assertEquals("This answer will be interrupted", facts.text());
        assertEquals("overloaded_error", facts.errorType());
        assertNull(facts.stopReason());
        assertFalse(facts.complete());
        assertEquals(new Usage(30, 1, 0, 0, 0, 0), facts.usage());
        assertEquals(5, Script.transcript("overloaded_midstream").partCount());
    }

    @Test
    void droppedStopsWithoutAnEnd() {
        TranscriptFacts facts = TranscriptFacts.of("dropped");
        assertEquals("The connection drops after this sentence.", facts.text());
        assertNull(facts.stopReason());
        assertNull(facts.errorType());
        assertFalse(facts.complete());
        assertEquals(new Usage(16, 1, 0, 0, 0, 0), facts.usage());
        assertEquals(5, Script.transcript("dropped").partCount());
    }

    @Test
    void longText() {
        StringBuilder expected = new StringBuilder();
        IntStream.rangeClosed(1, 40).forEach(i -> expected.append("Part %02d of a long answer. ".formatted(i)));
        TranscriptFacts facts = TranscriptFacts.of("long_text");
        assertEquals(expected.toString(), facts.text());
        assertEquals("end_turn", facts.stopReason());
        assertEquals(new Usage(18, 320, 0, 0, 0, 0), facts.usage());
        assertEquals(45, Script.transcript("long_text").partCount());
    }

    @Test
    void adaptiveThinking() {
        TranscriptFacts facts = TranscriptFacts.of("adaptive_thinking");
        assertEquals("The user asks for the capital of Australia. It is Canberra, not Sydney — answer in one sentence.",
                facts.thinking());
        assertEquals("EqQBCkYIBxgCKkBfakeAdaptiveSignatureForTestsOnly000000==", facts.signature());
        assertEquals("The capital of Australia is Canberra. 🇦🇺", facts.text());
        assertEquals(List.of("thinking", "text"), facts.blockTypes());
        assertEquals("end_turn", facts.stopReason());
        assertEquals(new Usage(52, 120, 0, 0, 0, 0), facts.usage());
        assertEquals(85, facts.thinkingTokens());
        assertEquals("standard", facts.serviceTier());
        assertTrue(facts.complete());
        assertEquals(13, Script.transcript("adaptive_thinking").partCount());
    }

    @Test
    void refusal() {
        TranscriptFacts facts = TranscriptFacts.of("refusal");
        assertEquals("Here is an overview of how that attack works. First, ", facts.text());
        assertEquals("refusal", facts.stopReason());
        assertEquals(new TranscriptFacts.StopDetails("refusal", "cyber",
                "This request was declined because it could enable cyber harm."), facts.stopDetails());
        assertEquals(new Usage(40, 12, 0, 0, 0, 0), facts.usage());
        assertTrue(facts.complete());
        assertEquals(7, Script.transcript("refusal").partCount());
        String delta = TranscriptReader.read(Script.transcriptBytes("refusal")).stream()
                .filter(e -> e.type().equals("message_delta")).findFirst().orElseThrow().data();
        assertEquals("{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"refusal\",\"stop_sequence\":null,"
                + "\"stop_details\":{\"type\":\"refusal\",\"category\":\"cyber\",\"explanation\":\"This request was "
                + "declined because it could enable cyber harm.\"}},\"usage\":{\"output_tokens\":12}}", delta);
    }

    @Test
    void newUsage() {
        TranscriptFacts facts = TranscriptFacts.of("new_usage");
        assertEquals("Fast, cached and counted.", facts.text());
        assertEquals("", facts.thinking(), "display omitted: the thinking block streams only its signature");
        assertEquals("EqQBCkYIBxgCKkBfakeOmittedSignatureForTestsOnly0000000==", facts.signature());
        assertEquals("end_turn", facts.stopReason());
        assertEquals(new Usage(100, 400, 3000, 1000, 2000, 20000), facts.usage());
        assertEquals(150, facts.thinkingTokens());
        assertEquals("fast", facts.speed());
        assertEquals("us", facts.inferenceGeo());
        assertEquals("standard", facts.serviceTier());
        assertEquals(List.of(
                new TranscriptFacts.Iteration("message", "claude-opus-5-5", new Usage(100, 400, 3000, 1000, 2000, 20000)),
                new TranscriptFacts.Iteration("advisor_message", "claude-haiku-5-5", new Usage(2000, 100, 0, 0, 0, 0))),
                facts.iterations());
        assertEquals(10, Script.transcript("new_usage").partCount());
        TranscriptFacts start = TranscriptFacts.of(TranscriptReader.read(Script.transcriptBytes("new_usage")).subList(0, 1));
        assertEquals("fast", start.speed(), "message_start already says fast and us");
        assertEquals("us", start.inferenceGeo());
        assertEquals(new Usage(100, 1, 3000, 1000, 2000, 20000), start.usage());
    }

    @Test
    void unknownBlocksLeaveOnlyTheTextDeltas() {
        TranscriptFacts facts = TranscriptFacts.of("unknown_blocks");
        assertEquals("Let me look that up. Canberra has about 480,000 people. That figure is from 2026.", facts.text());
        assertEquals(List.of("text", "server_tool_use", "web_search_tool_result", "text", "fallback", "compaction", "text"),
                facts.blockTypes());
        assertEquals("{\"query\": \"Canberra population\"}", facts.toolInput(), "the server tool's input");
        assertEquals("end_turn", facts.stopReason());
        assertEquals(new Usage(30, 90, 0, 0, 0, 0), facts.usage());
        assertTrue(facts.complete());
        assertEquals(25, Script.transcript("unknown_blocks").partCount());
        String bytes = new String(Script.transcriptBytes("unknown_blocks"), StandardCharsets.UTF_8);
        assertTrue(bytes.contains("\"type\":\"fallback_delta\",\"text\":"), "a delta with text that is not text_delta");
    }

    @ParameterizedTest
    @CsvSource({"plain_text, claude-sonnet-4-5-20250929", "crlf, claude-sonnet-4-5-20250929",
            "cr, claude-sonnet-4-5-20250929", "bom, claude-sonnet-4-5-20250929", "nospace, claude-sonnet-4-5-20250929",
            "tool_use, claude-sonnet-4-5-20250929", "thinking, claude-sonnet-4-5-20250929",
            "padded_json, claude-sonnet-4-5-20250929", "unknown_events, claude-sonnet-4-5-20250929",
            "two_message_deltas, claude-sonnet-4-5-20250929", "cache_usage, claude-sonnet-4-5-20250929",
            "overloaded_midstream, claude-sonnet-4-5-20250929", "dropped, claude-sonnet-4-5-20250929",
            "long_text, claude-sonnet-4-5-20250929", "adaptive_thinking, claude-sonnet-5-5", "refusal, claude-opus-5-5",
            "new_usage, claude-opus-5-5", "unknown_blocks, claude-sonnet-5-5"})
    void everyTranscriptIsModelAndJsonClean(String name, String model) {
        byte[] bytes = Script.transcriptBytes(name);
        List<byte[]> parts = Script.transcript(name).parts();
        assertArrayEquals(bytes, join(parts), "the parts joined are the file");
        List<TranscriptReader.Event> events = TranscriptReader.read(bytes);
        for (TranscriptReader.Event event : events) {
            assertEquals(event.type(), TranscriptFacts.parse(event.data()).path("type").asText(), "data.type names the event");
        }
        assertEquals("message_start", events.getFirst().type());
        assertEquals(model, TranscriptFacts.parse(events.getFirst().data()).path("message").path("model").asText());
        if (model.contains("-5-5")) {
            assertFalse(new String(bytes, StandardCharsets.UTF_8).contains("\r"), "today's transcripts use LF only");
            assertFalse(new String(bytes, StandardCharsets.UTF_8).contains("\\u"), "raw UTF-8, no escapes");
        }
        if (!name.equals("padded_json")) {
            assertTrue(events.stream().noneMatch(e -> e.data().contains("\n")), "one data line per event");
        }
    }

    @Test
    void splitterCutsAfterEveryKindOfBlankLine() {
        String mixed = "event: a\ndata: 1\n\nevent: b\r\ndata: 2\r\n\r\nevent: c\rdata: 3\r\rdata: tail";
        List<String> parts = EventSplitter.split(utf8(mixed)).stream()
                .map(p -> new String(p, StandardCharsets.UTF_8)).toList();
        assertEquals(List.of("event: a\ndata: 1\n\n", "event: b\r\ndata: 2\r\n\r\n", "event: c\rdata: 3\r\r", "data: tail"),
                parts);
        assertEquals(List.of("data: x\r\n\r\n", "data: y\n\n"),
                EventSplitter.split(utf8("data: x\r\n\r\ndata: y\n\n")).stream()
                        .map(p -> new String(p, StandardCharsets.UTF_8)).toList(),
                "CRLF CRLF is one blank line, not CR then LF LF");
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        return join(List.of(a, b));
    }

    private static byte[] join(List<byte[]> parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        parts.forEach(out::writeBytes);
        return out.toByteArray();
    }
}
