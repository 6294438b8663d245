package dev.claudesse.bench;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The load client reads the WAR's stream and the Node reference relay's the same way: the same chunks, the same
 * send times, one done. Only the framing differs (the WAR's retry:, id: and start; Node's bare events), and a
 * read may end anywhere, so each stream is also fed one byte at a time.
 */
class RelayStreamsTest {

    private static final String WAR = "retry: 3000\n\n"
            + "id: 1\nevent: start\ndata: {\"conversationId\":\"c1\",\"messageId\":\"m1\",\"model\":\"m\",\"demo\":false}\n\n"
            + "id: 2\nevent: chunk\ndata: {\"text\":\"\\u23f1100;xxxx\"}\n\n"
            + "id: 3\nevent: chunk\ndata: {\"text\":\"\u23f1200;xxxx\"}\n\n"
            + "id: 4\nevent: cost\ndata: {\"inputTokens\":8,\"outputTokens\":2,\"totalCost\":\"0.000054\"}\n\n"
            + "id: 5\nevent: done\ndata: {\"messageId\":\"m1\",\"stopReason\":\"end_turn\"}\n\n";
    private static final String NODE = "event: chunk\ndata: {\"text\":\"\u23f1100;xxxx\"}\n\n"
            + "event: chunk\ndata: {\"text\":\"\u23f1200;xxxx\"}\n\n"
            + "event: cost\ndata: {\"inputTokens\":8,\"outputTokens\":2,\"totalCost\":0.000054}\n\n"
            + "event: done\ndata: {}\n\n";

    @Test
    void bothRelaysStreamsGiveTheSameChunksAndOneDone() {
        for (String stream : List.of(WAR, NODE)) {
            for (int step : new int[] {Integer.MAX_VALUE, 1}) {
                assertEquals(List.of("chunk 900", "chunk 800", "done"), read(stream, step), stream);
            }
        }
    }

    /** The events the load client acts on, with the delay of each chunk received at 1,000 ns. */
    private static List<String> read(String stream, int step) {
        List<String> seen = new ArrayList<>();
        EventStreamReader reader = new EventStreamReader("chunk", "done", "error", (kind, data, length, at) -> {
            Samples delays = new Samples();
            if (kind == EventStreamReader.CHUNK && SendTimes.record(data, length, at, delays) == 1) {
                seen.add("chunk " + delays.max());
            } else if (kind == EventStreamReader.DONE) {
                seen.add("done");
            } else if (kind == EventStreamReader.ERROR) {
                seen.add("error");
            }
        });
        byte[] bytes = stream.getBytes(StandardCharsets.UTF_8);
        for (int from = 0; from < bytes.length; from += Math.min(step, bytes.length - from)) {
            reader.feed(bytes, from, from + Math.min(step, bytes.length - from), 1_000);
        }
        return seen;
    }
}
