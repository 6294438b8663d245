package dev.claudesse.fake;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Cuts an event stream's bytes into one piece per event: a cut falls right after each blank line,
 * whichever line ending ends it (LF, CRLF or CR). The pieces joined again are the input, byte for byte.
 */
final class EventSplitter {

    private EventSplitter() {
    }

    static List<byte[]> split(byte[] stream) {
        List<byte[]> parts = new ArrayList<>();
        int partStart = 0;
        int lineStart = 0;
        int i = 0;
        while (i < stream.length) {
            byte b = stream[i];
            if (b != '\r' && b != '\n') {
                i++;
                continue;
            }
            int end = (b == '\r' && i + 1 < stream.length && stream[i + 1] == '\n') ? i + 2 : i + 1;
            boolean blankLine = i == lineStart && lineStart > partStart;
            if (blankLine) {
                parts.add(Arrays.copyOfRange(stream, partStart, end));
                partStart = end;
            }
            lineStart = end;
            i = end;
        }
        if (partStart < stream.length) {
            parts.add(Arrays.copyOfRange(stream, partStart, stream.length));
        }
        return parts;
    }
}
