package dev.claudesse.protocol;

import com.fasterxml.jackson.core.io.JsonStringEncoder;

import java.nio.charset.StandardCharsets;

/**
 * Encodes the product's own events as complete event-stream frames, ready to write and flush.
 * Data is always one line of JSON, so it never needs splitting; id and event values lose any CR or LF.
 */
public final class SseFrames {

    public static final byte[] RETRY = ascii("retry: 3000\n\n");
    public static final byte[] PING = ascii("event: ping\ndata: {}\n\n");

    private static final byte[] CHUNK_DATA_START = ascii("\ndata: {\"text\":\"");
    private static final byte[] TEXT_DATA_END = ascii("\"}\n\n");

    private SseFrames() {
    }

    /** A frame whose data is already-encoded JSON. */
    public static byte[] frame(long id, String event, byte[] json) {
        byte[] head = ascii("id: " + id + "\nevent: " + singleLine(event) + "\ndata: ");
        byte[] frame = new byte[head.length + json.length + 2];
        System.arraycopy(head, 0, frame, 0, head.length);
        System.arraycopy(json, 0, frame, head.length, json.length);
        frame[frame.length - 2] = '\n';
        frame[frame.length - 1] = '\n';
        return frame;
    }

    /**
     * The per-delta hot path: {"text": ...} escaped straight into the frame, without building a JSON tree.
     */
    public static byte[] textFrame(long id, String event, String text) {
        byte[] escaped = JsonStringEncoder.getInstance().quoteAsUTF8(text);
        byte[] head = ascii("id: " + id + "\nevent: " + singleLine(event));
        int length = head.length + CHUNK_DATA_START.length + escaped.length + TEXT_DATA_END.length;
        byte[] frame = new byte[length];
        int at = put(frame, 0, head);
        at = put(frame, at, CHUNK_DATA_START);
        at = put(frame, at, escaped);
        put(frame, at, TEXT_DATA_END);
        return frame;
    }

    /** Strips CR and LF, which would otherwise end the field early and let a value forge another field. */
    public static String singleLine(String value) {
        if (value.indexOf('\n') < 0 && value.indexOf('\r') < 0) {
            return value;
        }
        return value.replace("\r", "").replace("\n", "");
    }

    private static int put(byte[] target, int at, byte[] source) {
        System.arraycopy(source, 0, target, at, source.length);
        return at + source.length;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
