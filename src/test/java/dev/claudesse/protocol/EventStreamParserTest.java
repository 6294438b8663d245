package dev.claudesse.protocol;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The event-stream rules, each fed as plain strings or bytes. */
class EventStreamParserTest {

    record Event(String type, String data, String id) {
    }

    private final List<Event> events = new ArrayList<>();
    private final List<Long> retries = new ArrayList<>();
    private final EventStreamParser parser = new EventStreamParser(new EventStreamParser.Handler() {
        @Override
        public void onEvent(String type, String data, String lastEventId) {
            events.add(new Event(type, data, lastEventId));
        }

        @Override
        public void onRetry(long millis) {
            retries.add(millis);
        }
    });

    private void feed(String s) {
        parser.feed(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void lfEndsLinesAndABlankLineDispatches() {
        feed("event: a\ndata: 1\n\n");
        assertEquals(List.of(new Event("a", "1", "")), events);
    }

    @Test
    void crlfEndsLines() {
        feed("event: a\r\ndata: 1\r\n\r\n");
        assertEquals(List.of(new Event("a", "1", "")), events);
    }

    @Test
    void crAloneEndsLines() {
        feed("event: a\rdata: 1\r\r");
        assertEquals(List.of(new Event("a", "1", "")), events);
    }

    @Test
    void crlfSplitAcrossReadsIsOneLineEnd() {
        feed("data: 1\r");
        feed("\n\r");
        feed("\n");
        assertEquals(List.of(new Event("message", "1", "")), events);
    }

    @Test
    void leadingBomIsDropped() {
        parser.feed(new byte[]{(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
        feed("event: a\ndata: x\n\n");
        assertEquals(List.of(new Event("a", "x", "")), events);
    }

    @Test
    void bomLaterInTheStreamIsData() {
        feed("data: x\n\n");
        feed("data: \uFEFFy\n\n");
        assertEquals("\uFEFFy", events.get(1).data());
    }

    @Test
    void commentsAreIgnored() {
        feed(": keep-alive\ndata: 1\n: another\n\n");
        assertEquals(List.of(new Event("message", "1", "")), events);
    }

    @Test
    void theSpaceAfterTheColonIsOptionalAndOnlyOneIsRemoved() {
        feed("event:a\ndata:1\n\ndata:  2\n\n");
        assertEquals(new Event("a", "1", ""), events.get(0));
        assertEquals(" 2", events.get(1).data());
    }

    @Test
    void multipleDataLinesJoinWithLf() {
        feed("data: {\"a\":\ndata: 1}\n\n");
        assertEquals("{\"a\":\n1}", events.get(0).data());
    }

    @Test
    void anEventWithoutDataIsNotDispatchedAndItsTypeIsForgotten() {
        feed("event: lonely\n\ndata: x\n\n");
        assertEquals(List.of(new Event("message", "x", "")), events);
    }

    @Test
    void aFieldWithoutColonHasAnEmptyValue() {
        feed("data\ndata\n\n");
        assertEquals("\n", events.get(0).data());
    }

    @Test
    void unknownFieldsAreIgnored() {
        feed("foo: bar\ndata: x\n\n");
        assertEquals(List.of(new Event("message", "x", "")), events);
    }

    @Test
    void idPersistsAcrossEventsAndIdWithNulIsIgnored() {
        feed("id: 7\ndata: a\n\ndata: b\n\nid: 8\u0000\ndata: c\n\n");
        assertEquals(List.of(new Event("message", "a", "7"), new Event("message", "b", "7"),
                new Event("message", "c", "7")), events);
    }

    @Test
    void retryTakesDigitsOnly() {
        feed("retry: 3000\nretry: 12a\n\n");
        assertEquals(List.of(3000L), retries);
    }

    @Test
    void anUnfinishedEventAtTheEndIsNotDispatched() {
        feed("data: half");
        assertEquals(List.of(), events);
    }

    @Test
    void multiByteTextSplitAtEveryByteComesOutWhole() {
        String text = "héllo مرحبا 你好 👋🌍";
        byte[] bytes = ("data: " + text + "\r\n\r\n").getBytes(StandardCharsets.UTF_8);
        for (int cut = 1; cut < bytes.length; cut++) {
            events.clear();
            EventStreamParser fresh = new EventStreamParser((t, d, id) -> events.add(new Event(t, d, id)));
            fresh.feed(bytes, 0, cut);
            fresh.feed(bytes, cut, bytes.length - cut);
            assertEquals(List.of(new Event("message", text, "")), events, "cut at byte " + cut);
        }
    }

    @Test
    void oneByteAtATime() {
        byte[] bytes = "event: x\r\ndata: 你好\r\n\r\n".getBytes(StandardCharsets.UTF_8);
        for (byte b : bytes) {
            parser.feed(new byte[]{b});
        }
        assertEquals(List.of(new Event("x", "你好", "")), events);
    }

    @Test
    void longLinesGrowTheBuffer() {
        String big = "x".repeat(10_000);
        feed("data: " + big + "\n\n");
        assertEquals(big, events.get(0).data());
    }
}
