package dev.claudesse.bench;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Claude's Messages API streaming wire format, written as bytes ready for the socket: an HTTP/1.1 response with
 * chunked transfer encoding whose body is message_start, content_block_start, N content_block_delta (text_delta),
 * content_block_stop, message_delta (end_turn, usage), message_stop. Each delta's text starts with
 * {@code ⏱<System.nanoTime()>;} and is padded with 'x' to the requested size, so a client can measure delay.
 */
final class ClaudeWire {

    /** The marker before the send time; the load client looks for it (raw UTF-8 or a JSON escape). */
    static final byte[] MARK = "\u23f1".getBytes(StandardCharsets.UTF_8);

    private static final byte[] DELTA_START = ascii("event: content_block_delta\ndata: "
            + "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"");
    private static final byte[] DELTA_END = ascii("\"}}\n\n");
    private static final byte[] CRLF = ascii("\r\n");
    private static final byte[] LAST_CHUNK = ascii("0\r\n\r\n");
    private static final byte[] HEX = ascii("0123456789abcdef");

    private ClaudeWire() {
    }

    /** Status line and headers of the streaming response. */
    static byte[] responseHead(long requestNumber) {
        return ascii("HTTP/1.1 200 OK\r\n"
                + "content-type: text/event-stream; charset=utf-8\r\n"
                + "cache-control: no-cache\r\n"
                + "request-id: req_bench_" + requestNumber + "\r\n"
                + "transfer-encoding: chunked\r\n"
                + "connection: keep-alive\r\n\r\n");
    }

    /** message_start and content_block_start, as one HTTP chunk. */
    static byte[] opening(long requestNumber) {
        return chunk(ascii("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{"
                + "\"id\":\"msg_bench_" + requestNumber + "\",\"type\":\"message\",\"role\":\"assistant\","
                + "\"model\":\"claude-sonnet-4-5\",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,"
                + "\"usage\":{\"input_tokens\":8,\"cache_creation_input_tokens\":0,"
                + "\"cache_read_input_tokens\":0,\"output_tokens\":1}}}\n\n"
                + "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,"
                + "\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n"));
    }

    /** content_block_stop, message_delta, message_stop, and the last (empty) HTTP chunk. */
    static byte[] closing(int outputTokens) {
        byte[] events = chunk(ascii("event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n"
                + "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\","
                + "\"stop_sequence\":null},\"usage\":{\"output_tokens\":" + outputTokens + "}}\n\n"
                + "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n"));
        byte[] all = new byte[events.length + LAST_CHUNK.length];
        System.arraycopy(events, 0, all, 0, events.length);
        System.arraycopy(LAST_CHUNK, 0, all, events.length, LAST_CHUNK.length);
        return all;
    }

    /** Bytes {@link #putDelta} will write for a delta of this size. */
    static int deltaLength(int size, long nanos) {
        int payload = DELTA_START.length + textLength(size, nanos) + DELTA_END.length;
        return hexDigits(payload) + 2 + payload + 2;
    }

    /** One content_block_delta as one HTTP chunk, written without allocating. */
    static void putDelta(ByteBuffer out, int size, long nanos) {
        int text = textLength(size, nanos);
        int payload = DELTA_START.length + text + DELTA_END.length;
        putHex(out, payload);
        out.put(CRLF).put(DELTA_START).put(MARK);
        putDecimal(out, nanos);
        out.put((byte) ';');
        for (int i = MARK.length + decimalDigits(nanos) + 1; i < text; i++) {
            out.put((byte) 'x');
        }
        out.put(DELTA_END).put(CRLF);
    }

    private static int textLength(int size, long nanos) {
        return Math.max(size, MARK.length + decimalDigits(nanos) + 1);
    }

    private static byte[] chunk(byte[] payload) {
        ByteBuffer out = ByteBuffer.allocate(hexDigits(payload.length) + payload.length + 4);
        putHex(out, payload.length);
        out.put(CRLF).put(payload).put(CRLF);
        return out.array();
    }

    private static void putHex(ByteBuffer out, int value) {
        for (int shift = (hexDigits(value) - 1) * 4; shift >= 0; shift -= 4) {
            out.put(HEX[(value >>> shift) & 0xf]);
        }
    }

    private static int hexDigits(int value) {
        return Math.max(1, (32 - Integer.numberOfLeadingZeros(value) + 3) / 4);
    }

    private static void putDecimal(ByteBuffer out, long value) {
        if (value < 0) {
            out.put((byte) '-');
            value = -value;
        }
        long divisor = 1;
        while (divisor <= value / 10) {
            divisor *= 10;
        }
        for (; divisor > 0; divisor /= 10) {
            out.put((byte) ('0' + (value / divisor) % 10));
        }
    }

    private static int decimalDigits(long value) {
        int digits = value < 0 ? 2 : 1;
        for (long v = Math.abs(value); v >= 10; v /= 10) {
            digits++;
        }
        return digits;
    }

    static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
