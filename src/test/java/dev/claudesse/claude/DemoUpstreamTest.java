package dev.claudesse.claude;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.claudesse.protocol.EventStreamParser;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

class DemoUpstreamTest {

    @Test
    void aQuestionCutInTheMiddleOfAnEmojiStillMakesAWellFormedAnswer() throws Exception {
        ObjectMapper json = new ObjectMapper();
        String question = "a".repeat(199) + "😀 and more";
        UpstreamResponse response = new DemoUpstream(json, Duration.ZERO).open(new ClaudeRequest("claude-sonnet-5-5",
                null, 100, null, null, null, List.of(new Message("user", question, List.of()))), null);
        StringBuilder text = new StringBuilder();
        EventStreamParser parser = new EventStreamParser((type, data, id) -> {
            if (type.equals("content_block_delta")) {
                try {
                    text.append(json.readTree(data).path("delta").path("text").asText());
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
            }
        });
        response.body().deliver((bytes, offset, length) -> {
            parser.feed(bytes, offset, length);
            return true;
        });
        assertTrue(text.toString().contains("\"" + "a".repeat(199) + "…\""), text.toString());
        for (int i = 0; i < text.length(); i++) {
            assertTrue(!Character.isSurrogate(text.charAt(i)) || Character.isHighSurrogate(text.charAt(i))
                    && Character.isLowSurrogate(text.charAt(i + 1)) || Character.isLowSurrogate(text.charAt(i))
                    && Character.isHighSurrogate(text.charAt(i - 1)), "a lone surrogate at " + i);
        }
    }
}
