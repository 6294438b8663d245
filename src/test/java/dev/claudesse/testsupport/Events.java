package dev.claudesse.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/** Small readers over received events, so assertions stay one line. */
public final class Events {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Events() {
    }

    public static JsonNode json(EventStreamReader.Event event) {
        return json(event.data());
    }

    public static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The answer text: every chunk's text, in order. */
    public static String text(List<EventStreamReader.Event> events) {
        return joined(events, "chunk");
    }

    public static String joined(List<EventStreamReader.Event> events, String type) {
        StringBuilder text = new StringBuilder();
        for (EventStreamReader.Event e : events) {
            if (e.type().equals(type)) {
                text.append(json(e).path("text").asText());
            }
        }
        return text.toString();
    }

    public static List<String> types(List<EventStreamReader.Event> events) {
        return events.stream().map(EventStreamReader.Event::type).filter(t -> !t.equals("ping")).toList();
    }

    public static EventStreamReader.Event only(List<EventStreamReader.Event> events, String type) {
        List<EventStreamReader.Event> found = events.stream().filter(e -> e.type().equals(type)).toList();
        if (found.size() != 1) {
            throw new AssertionError("expected one " + type + " event, got " + found.size() + ": " + events);
        }
        return found.get(0);
    }

    public static <T> T last(List<T> items) {
        return items.get(items.size() - 1);
    }
}
