package dev.claudesse.bench;

/**
 * Splits a text/event-stream body into events, byte by byte, without allocating per event. It keeps only what
 * the load client needs: the event name (as a kind) and the data.
 */
final class EventStreamReader {

    static final int OTHER = 0;
    static final int CHUNK = 1;
    static final int DONE = 2;
    static final int ERROR = 3;

    interface Listener {
        void onEvent(int kind, byte[] data, int dataLength, long receivedNanos);
    }

    private static final byte[] DATA = ClaudeWire.ascii("data:");
    private static final byte[] EVENT = ClaudeWire.ascii("event:");

    private final byte[][] names; // indexed by kind
    private final Listener listener;
    private byte[] line = new byte[256];
    private int lineLength;
    private byte[] data = new byte[256];
    private int dataLength;
    private boolean hasData;
    private int kind = OTHER;

    /** chunk, done and error are the event names this stream uses for those kinds. */
    EventStreamReader(String chunk, String done, String error, Listener listener) {
        this.names = new byte[][] {new byte[0], ClaudeWire.ascii(chunk), ClaudeWire.ascii(done), ClaudeWire.ascii(error)};
        this.listener = listener;
    }

    void feed(byte[] bytes, int from, int to, long receivedNanos) {
        for (int i = from; i < to; i++) {
            byte b = bytes[i];
            if (b == '\n') {
                endLine(receivedNanos);
            } else {
                if (lineLength == line.length) {
                    line = java.util.Arrays.copyOf(line, line.length * 2);
                }
                line[lineLength++] = b;
            }
        }
    }

    private void endLine(long receivedNanos) {
        int length = lineLength > 0 && line[lineLength - 1] == '\r' ? lineLength - 1 : lineLength;
        lineLength = 0;
        if (length == 0) {
            dispatch(receivedNanos);
        } else if (startsWith(DATA, length)) {
            appendData(valueStart(DATA.length, length), length);
        } else if (startsWith(EVENT, length)) {
            kind = kindOf(valueStart(EVENT.length, length), length);
        }
        // id:, retry: and comments do not matter here
    }

    private void dispatch(long receivedNanos) {
        if (hasData) {
            listener.onEvent(kind, data, dataLength, receivedNanos);
        }
        kind = OTHER;
        dataLength = 0;
        hasData = false;
    }

    private void appendData(int from, int to) {
        int needed = dataLength + (hasData ? 1 : 0) + (to - from);
        if (needed > data.length) {
            data = java.util.Arrays.copyOf(data, Math.max(needed, data.length * 2));
        }
        if (hasData) {
            data[dataLength++] = '\n';
        }
        System.arraycopy(line, from, data, dataLength, to - from);
        dataLength += to - from;
        hasData = true;
    }

    private int kindOf(int from, int to) {
        for (int k = CHUNK; k <= ERROR; k++) {
            if (java.util.Arrays.equals(line, from, to, names[k], 0, names[k].length)) {
                return k;
            }
        }
        return OTHER;
    }

    private boolean startsWith(byte[] prefix, int length) {
        return length >= prefix.length && java.util.Arrays.equals(line, 0, prefix.length, prefix, 0, prefix.length);
    }

    /** A single space after the colon is not part of the value. */
    private int valueStart(int afterColon, int length) {
        return afterColon < length && line[afterColon] == ' ' ? afterColon + 1 : afterColon;
    }
}
