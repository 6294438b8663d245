package dev.claudesse.fake;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the fake answers to one request: a status, headers and a body made of parts, plus how to pace
 * them. Built fluently: {@code Script.transcript("plain_text").splitEvery(3).dropAfter(4)}.
 */
public final class Script {

    private final int status;
    private final boolean streaming;
    private final List<byte[]> parts;
    private final String errorType;
    private final String errorMessage;
    private final String jsonBody;
    private final List<Map.Entry<String, String>> headers = new ArrayList<>();
    private Duration delay = Duration.ZERO;
    private int sliceBytes;
    private Gate gate;
    private int freeParts;
    private int dropAfter = -1;
    private int hangAfter = -1;

    private Script(int status, boolean streaming, List<byte[]> parts, String errorType, String errorMessage,
                   String jsonBody) {
        this.status = status;
        this.streaming = streaming;
        this.parts = parts;
        this.errorType = errorType;
        this.errorMessage = errorMessage;
        this.jsonBody = jsonBody;
    }

    /** A 200 event stream of {@code transcripts/<name>.sse}, exact bytes, one part per event. */
    public static Script transcript(String name) {
        return new Script(200, true, EventSplitter.split(transcriptBytes(name)), null, null, null);
    }

    /** A 200 event stream of the given text (UTF-8), one part per event. */
    public static Script sse(String events) {
        return new Script(200, true, EventSplitter.split(events.getBytes(StandardCharsets.UTF_8)), null, null, null);
    }

    /** An API error: {@code {"type":"error","error":{"type":..,"message":..},"request_id":..}}. */
    public static Script error(int status, String type, String message) {
        return new Script(status, false, List.of(), type, message, null);
    }

    /** A plain JSON answer with the given body, e.g. a Models API page. */
    public static Script json(int status, String body) {
        return new Script(status, false, List.of(), null, null, body);
    }

    /** The exact bytes of a transcript on the test classpath. */
    public static byte[] transcriptBytes(String name) {
        String resource = "/transcripts/" + name + ".sse";
        try (InputStream in = Script.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no transcript " + resource + " on the test classpath");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Adds a response header (e.g. {@code retry-after}). */
    public Script header(String name, String value) {
        headers.add(Map.entry(name, value));
        return this;
    }

    /** Pause before each part but the first. */
    public Script delay(Duration delay) {
        this.delay = delay;
        return this;
    }

    /** Sends each part in slices of n bytes, each its own flushed chunk, about 1 ms apart. */
    public Script splitEvery(int bytes) {
        if (bytes < 1) {
            throw new IllegalArgumentException("slice size must be positive");
        }
        this.sliceBytes = bytes;
        return this;
    }

    /** After the first part (message_start), sends one part per {@link Gate#release()}. */
    public Script gated(Gate gate) {
        return gated(gate, 1);
    }

    /** After the first {@code freeParts} parts, sends one part per {@link Gate#release()}. */
    public Script gated(Gate gate, int freeParts) {
        this.gate = gate;
        this.freeParts = freeParts;
        return this;
    }

    /**
     * After n parts, resets the connection (RST) without the final zero chunk. The reset comes 150 ms
     * after the last part, so the client has read those parts before its kernel drops unread bytes.
     */
    public Script dropAfter(int parts) {
        this.dropAfter = parts;
        return this;
    }

    /** After n parts, sends nothing more but keeps the connection open until the client closes it. */
    public Script hangAfter(int parts) {
        this.hangAfter = parts;
        return this;
    }

    /** Number of parts (events) in the body. */
    public int partCount() {
        return parts.size();
    }

    /** The parts themselves, e.g. to assert on what a test expects to see. */
    public List<byte[]> parts() {
        return List.copyOf(parts);
    }

    int status() {
        return status;
    }

    boolean streaming() {
        return streaming;
    }

    List<Map.Entry<String, String>> headers() {
        return headers;
    }

    Duration delay() {
        return delay;
    }

    int sliceBytes() {
        return sliceBytes;
    }

    Gate gate() {
        return gate;
    }

    int freeParts() {
        return freeParts;
    }

    int dropAfter() {
        return dropAfter;
    }

    int hangAfter() {
        return hangAfter;
    }

    /** The JSON body of a non-streaming script; an error names the request id like the real API does. */
    byte[] body(String requestId) {
        if (jsonBody != null) {
            return jsonBody.getBytes(StandardCharsets.UTF_8);
        }
        return ("{\"type\":\"error\",\"error\":{\"type\":\"" + jsonText(errorType) + "\",\"message\":\""
                + jsonText(errorMessage) + "\"},\"request_id\":\"" + requestId + "\"}").getBytes(StandardCharsets.UTF_8);
    }

    private static String jsonText(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
