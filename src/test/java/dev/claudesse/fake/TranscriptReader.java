package dev.claudesse.fake;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A small, independent reading of an event stream after the HTML standard's rules, used only to check
 * the transcripts themselves (the product's own parser is tested against them, not with this).
 */
final class TranscriptReader {

    /** One dispatched event; {@code id} is the last event id seen so far (or ""). */
    record Event(String type, String data, String id) {
    }

    private TranscriptReader() {
    }

    static List<Event> read(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.UTF_8);
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        List<Event> events = new ArrayList<>();
        String type = "";
        StringBuilder data = new StringBuilder();
        boolean hasData = false;
        String lastId = "";
        // Lines end at CRLF, LF or CR; a final line without an ending is not a line (it is discarded).
        for (String line : text.split("\r\n|\n|\r", -1)) {
            if (line.isEmpty()) {
                if (hasData) {
                    events.add(new Event(type.isEmpty() ? "message" : type, data.toString(), lastId));
                }
                type = "";
                data.setLength(0);
                hasData = false;
                continue;
            }
            if (line.startsWith(":")) {
                continue;
            }
            int colon = line.indexOf(':');
            String field = colon < 0 ? line : line.substring(0, colon);
            String value = colon < 0 ? "" : line.substring(colon + 1);
            if (value.startsWith(" ")) {
                value = value.substring(1);
            }
            switch (field) {
                case "event" -> type = value;
                case "data" -> {
                    if (hasData) {
                        data.append('\n');
                    }
                    data.append(value);
                    hasData = true;
                }
                case "id" -> lastId = value;
                default -> { } // retry and unknown fields do not change the events.
            }
        }
        return events;
    }
}
