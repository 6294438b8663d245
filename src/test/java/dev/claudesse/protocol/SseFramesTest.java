package dev.claudesse.protocol;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SseFramesTest {

    private static String s(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void aFrameHasIdEventAndOneDataLine() {
        assertEquals("id: 3\nevent: done\ndata: {\"a\":1}\n\n",
                s(SseFrames.frame(3, "done", "{\"a\":1}".getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void textIsEscapedAsJsonSoNewlinesStayInsideTheDataLine() {
        assertEquals("id: 1\nevent: chunk\ndata: {\"text\":\"a\\n\\\"b\\\"\\r\\\\ 你好\"}\n\n",
                s(SseFrames.textFrame(1, "chunk", "a\n\"b\"\r\\ 你好")));
    }

    @Test
    void crAndLfAreStrippedFromTheEventName() {
        assertEquals("id: 1\nevent: chunkdata: x\ndata: {}\n\n",
                s(SseFrames.frame(1, "chunk\r\ndata: x", "{}".getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void ourFramesParseBackToTheSameEvents() {
        List<String> seen = new ArrayList<>();
        EventStreamParser parser = new EventStreamParser((type, data, id) -> seen.add(id + "|" + type + "|" + data));
        parser.feed(SseFrames.RETRY);
        parser.feed(SseFrames.textFrame(1, "chunk", "👋\n"));
        parser.feed(SseFrames.PING);
        assertEquals(List.of("1|chunk|{\"text\":\"👋\\n\"}", "1|ping|{}"), seen);
    }
}
