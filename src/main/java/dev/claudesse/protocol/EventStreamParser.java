package dev.claudesse.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Parses a text/event-stream by the WHATWG rules, fed with raw bytes as they arrive from the network.
 * Lines end in LF, CR or CRLF (a CRLF may be split across two feeds); a leading BOM is dropped; bytes are
 * decoded only per complete line, so a multi-byte UTF-8 character split across reads comes out whole.
 * Not thread-safe: one parser per stream.
 */
public final class EventStreamParser {

    /** Receives each complete event. data has its lines joined by LF; type defaults to "message". */
    public interface Handler {
        void onEvent(String type, String data, String lastEventId);

        default void onRetry(long millis) {
        }
    }

    private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    private final Handler handler;
    private byte[] line = new byte[512];
    private int lineLength;
    private boolean afterCr;
    private boolean firstLine = true;
    private final StringBuilder data = new StringBuilder();
    private boolean hasData;
    private String type;
    private String lastEventId = "";

    public EventStreamParser(Handler handler) {
        this.handler = handler;
    }

    public void feed(byte[] bytes, int offset, int length) {
        int end = offset + length;
        for (int i = offset; i < end; i++) {
            byte b = bytes[i];
            if (b == '\n') {
                if (afterCr) {
                    afterCr = false;
                } else {
                    endLine();
                }
            } else if (b == '\r') {
                endLine();
                afterCr = true;
            } else {
                afterCr = false;
                append(b);
            }
        }
    }

    public void feed(byte[] bytes) {
        feed(bytes, 0, bytes.length);
    }

    private void append(byte b) {
        if (lineLength == line.length) {
            line = Arrays.copyOf(line, line.length * 2);
        }
        line[lineLength++] = b;
    }

    private void endLine() {
        int start = 0;
        if (firstLine) {
            firstLine = false;
            if (lineLength >= 3 && Arrays.equals(line, 0, 3, BOM, 0, 3)) {
                start = 3;
            }
        }
        processLine(start, lineLength);
        lineLength = 0;
    }

    private void processLine(int start, int end) {
        if (start == end) {
            dispatch();
            return;
        }
        if (line[start] == ':') {
            return; // comment
        }
        int colon = indexOf(':', start, end);
        int nameEnd = colon < 0 ? end : colon;
        int valueStart = colon < 0 ? end : colon + 1;
        if (valueStart < end && line[valueStart] == ' ') {
            valueStart++;
        }
        field(start, nameEnd, valueStart, end);
    }

    private void field(int nameStart, int nameEnd, int valueStart, int valueEnd) {
        if (is("data", nameStart, nameEnd)) {
            if (hasData) {
                data.append('\n');
            }
            data.append(decode(valueStart, valueEnd));
            hasData = true;
        } else if (is("event", nameStart, nameEnd)) {
            type = decode(valueStart, valueEnd);
        } else if (is("id", nameStart, nameEnd)) {
            if (indexOf(0, valueStart, valueEnd) < 0) {
                lastEventId = decode(valueStart, valueEnd);
            }
        } else if (is("retry", nameStart, nameEnd)) {
            retry(valueStart, valueEnd);
        }
        // any other field is ignored, as the standard says
    }

    private void retry(int start, int end) {
        if (start == end || end - start > 18) {
            return;
        }
        long value = 0;
        for (int i = start; i < end; i++) {
            if (line[i] < '0' || line[i] > '9') {
                return;
            }
            value = value * 10 + (line[i] - '0');
        }
        handler.onRetry(value);
    }

    private void dispatch() {
        if (hasData) {
            String eventType = type == null || type.isEmpty() ? "message" : type;
            String eventData = data.toString();
            data.setLength(0);
            hasData = false;
            type = null;
            handler.onEvent(eventType, eventData, lastEventId);
        } else {
            type = null;
        }
    }

    private boolean is(String name, int start, int end) {
        if (end - start != name.length()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            if (line[start + i] != name.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private int indexOf(int b, int start, int end) {
        for (int i = start; i < end; i++) {
            if (line[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private String decode(int start, int end) {
        return new String(line, start, end - start, StandardCharsets.UTF_8);
    }
}
