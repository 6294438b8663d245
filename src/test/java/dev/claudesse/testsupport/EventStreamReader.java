package dev.claudesse.testsupport;

import dev.claudesse.protocol.EventStreamParser;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Reads an event stream response on its own thread and hands out events as they arrive, with arrival times. */
public final class EventStreamReader implements AutoCloseable {

    public record Event(String id, String type, String data, long receivedNanos) {
    }

    private static final Event END = new Event(null, "(end)", null, 0);

    private final HttpResponse<InputStream> response;
    private final BlockingQueue<Event> queue = new LinkedBlockingQueue<>();
    private final List<Event> seen = new ArrayList<>();
    private final Thread reader;

    private EventStreamReader(HttpResponse<InputStream> response) {
        this.response = response;
        this.reader = Thread.ofVirtual().start(this::read);
    }

    public static EventStreamReader open(HttpClient http, HttpRequest request) throws IOException, InterruptedException {
        return new EventStreamReader(http.send(request, HttpResponse.BodyHandlers.ofInputStream()));
    }

    private void read() {
        EventStreamParser parser = new EventStreamParser(new EventStreamParser.Handler() {
            private String lastId;

            @Override
            public void onEvent(String type, String data, String lastEventId) {
                // ping carries no id: report an id only when this event set a new one
                String id = lastEventId.equals(lastId) ? null : lastEventId;
                lastId = lastEventId;
                queue.add(new Event(id, type, data, System.nanoTime()));
            }
        });
        byte[] buffer = new byte[4096];
        try (InputStream in = response.body()) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                parser.feed(buffer, 0, n);
            }
        } catch (IOException e) {
            // closed by the test or the server
        } finally {
            queue.add(END);
        }
    }

    public int status() {
        return response.statusCode();
    }

    public HttpHeaders headers() {
        return response.headers();
    }

    /** The next event, or fails the test after the timeout; null when the stream ended. */
    public Event next(Duration timeout) throws InterruptedException {
        Event event = queue.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (event == null) {
            throw new AssertionError("no event within " + timeout + "; so far: " + seen);
        }
        if (event == END) {
            queue.add(END);
            return null;
        }
        seen.add(event);
        return event;
    }

    /** The next event that is not a ping. */
    public Event nextNonPing(Duration timeout) throws InterruptedException {
        Event event;
        do {
            event = next(timeout);
        } while (event != null && event.type().equals("ping"));
        return event;
    }

    /** The events from here to the end of the stream (not those already taken with next). */
    public List<Event> readToEnd(Duration timeout) throws InterruptedException {
        int from = seen.size();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (next(Duration.ofNanos(Math.max(1, deadline - System.nanoTime()))) != null) {
            // collect
        }
        return List.copyOf(seen.subList(from, seen.size()));
    }

    public List<Event> seen() {
        return List.copyOf(seen);
    }

    @Override
    public void close() throws IOException {
        response.body().close();
        reader.interrupt();
    }
}
