package dev.claudesse.bench;

/**
 * Finds the send times BenchClaude embedded in delta text ({@code ⏱<nanos>;}) inside an event's data, whether
 * the relay wrote the marker as raw UTF-8 or as the JSON escape {@code \u23f1}.
 */
final class SendTimes {

    private static final byte[] MARK = ClaudeWire.MARK;

    private SendTimes() {
    }

    /** Records receivedNanos minus each embedded send time; returns how many markers were found. */
    static int record(byte[] data, int length, long receivedNanos, Samples delays) {
        int found = 0;
        for (int i = 0; i < length; i++) {
            int digits = markerEnd(data, i, length);
            if (digits < 0) {
                continue;
            }
            long sent = 0;
            boolean negative = digits < length && data[digits] == '-';
            int j = negative ? digits + 1 : digits;
            int start = j;
            while (j < length && data[j] >= '0' && data[j] <= '9') {
                sent = sent * 10 + (data[j++] - '0');
            }
            if (j > start) {
                delays.add(receivedNanos - (negative ? -sent : sent));
                found++;
            }
            i = j - 1;
        }
        return found;
    }

    /** The index after a marker starting at i, or -1. */
    private static int markerEnd(byte[] data, int i, int length) {
        if (i + MARK.length <= length && data[i] == MARK[0] && data[i + 1] == MARK[1] && data[i + 2] == MARK[2]) {
            return i + MARK.length;
        }
        if (i + 6 <= length && data[i] == '\\' && data[i + 1] == 'u' && data[i + 2] == '2' && data[i + 3] == '3'
                && (data[i + 4] | 0x20) == 'f' && data[i + 5] == '1') {
            return i + 6;
        }
        return -1;
    }
}
