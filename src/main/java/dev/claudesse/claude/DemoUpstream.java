package dev.claudesse.claude;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.claudesse.protocol.Utf16;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionStage;

/**
 * The offline stand-in for Claude when no API key is set: it writes Claude's exact streaming wire
 * format, so demo answers go through the same parser, events and cost as real ones.
 */
public final class DemoUpstream implements Upstream {

    private final ObjectMapper json;
    private final Duration pace;

    public DemoUpstream(ObjectMapper json, Duration pace) {
        this.json = json;
        this.pace = pace;
    }

    @Override
    public UpstreamResponse open(ClaudeRequest request, CompletionStage<Void> stopped) {
        List<byte[]> events = events(request);
        return new UpstreamResponse(200, "req_demo_" + UUID.randomUUID(), null,
                new StreamBody(new PacedStream(events, pace)));
    }

    @Override
    public boolean isDemo() {
        return true;
    }

    static String answerText(String question) {
        String quoted = question.length() > 200 ? Utf16.cut(question, 200) + "…" : question;
        return "**Demo mode.** This answer comes from the built-in demo upstream, because no "
                + "`ANTHROPIC_API_KEY` is set. It streams in Claude's own wire format through the same "
                + "parser as real answers.\n\nYou wrote: \"" + quoted + "\"\n\n"
                + "- Multi-byte text arrives intact: héllo, مرحبا, 你好, 👋🌍\n"
                + "- Set `ANTHROPIC_API_KEY` and restart to talk to Claude.\n";
    }

    private List<byte[]> events(ClaudeRequest request) {
        Message last = request.messages().get(request.messages().size() - 1);
        String text = answerText(last.text());
        List<String> pieces = pieces(text);
        long inputTokens = estimateTokens(request);
        List<byte[]> events = new ArrayList<>();
        ObjectNode start = json.createObjectNode().put("type", "message_start");
        ObjectNode message = start.putObject("message").put("id", "msg_demo_" + UUID.randomUUID())
                .put("type", "message").put("role", "assistant").put("model", request.model());
        message.putArray("content");
        message.putObject("usage").put("input_tokens", inputTokens).put("output_tokens", 1);
        events.add(event("message_start", start));
        events.add(event("content_block_start", json.createObjectNode().put("type", "content_block_start")
                .put("index", 0).set("content_block", json.createObjectNode().put("type", "text").put("text", ""))));
        for (String piece : pieces) {
            ObjectNode delta = json.createObjectNode().put("type", "content_block_delta").put("index", 0);
            delta.putObject("delta").put("type", "text_delta").put("text", piece);
            events.add(event("content_block_delta", delta));
        }
        events.add(event("content_block_stop", json.createObjectNode().put("type", "content_block_stop").put("index", 0)));
        ObjectNode end = json.createObjectNode().put("type", "message_delta");
        end.putObject("delta").put("stop_reason", "end_turn").putNull("stop_sequence");
        end.putObject("usage").put("output_tokens", Math.max(1, text.length() / 4));
        events.add(event("message_delta", end));
        events.add(event("message_stop", json.createObjectNode().put("type", "message_stop")));
        return events;
    }

    private static long estimateTokens(ClaudeRequest request) {
        long chars = request.system() == null ? 0 : request.system().length();
        for (Message message : request.messages()) {
            chars += message.text().length();
        }
        return Math.max(1, chars / 4);
    }

    /** Splits after every few words, as Claude's deltas do. */
    private static List<String> pieces(String text) {
        List<String> pieces = new ArrayList<>();
        int start = 0;
        int words = 0;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == ' ' && ++words % 3 == 0) {
                pieces.add(text.substring(start, i + 1));
                start = i + 1;
            }
        }
        if (start < text.length()) {
            pieces.add(text.substring(start));
        }
        return pieces;
    }

    private byte[] event(String type, ObjectNode data) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(("event: " + type + "\ndata: ").getBytes(StandardCharsets.UTF_8));
            out.write(json.writeValueAsBytes(data));
            out.write("\n\n".getBytes(StandardCharsets.UTF_8));
            return out.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Hands out one event per read after a pause; close() ends it like a cancelled HTTP body. */
    static final class PacedStream extends InputStream {
        private final List<byte[]> events;
        private final Duration pace;
        private int event;
        private int offset;
        private volatile boolean closed;

        PacedStream(List<byte[]> events, Duration pace) {
            this.events = events;
            this.pace = pace;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int off, int len) throws IOException {
            if (closed) {
                throw new IOException("closed");
            }
            if (event == events.size()) {
                return -1;
            }
            if (offset == 0 && event > 1) {
                pause();
            }
            byte[] current = events.get(event);
            int n = Math.min(len, current.length - offset);
            System.arraycopy(current, offset, buffer, off, n);
            offset += n;
            if (offset == current.length) {
                event++;
                offset = 0;
            }
            return n;
        }

        private void pause() throws IOException {
            try {
                Thread.sleep(pace);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted");
            }
            if (closed) {
                throw new IOException("closed");
            }
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
