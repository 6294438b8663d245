package dev.claudesse.web;

import dev.claudesse.store.StoredAnswer;
import dev.claudesse.stream.Answer;
import dev.claudesse.stream.StoredReplay;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * api/chat/{messageId}/stream (GET: replay after Last-Event-ID, then follow live) and
 * api/chat/{messageId}/stop (POST: cancel Claude and end the answer).
 */
public final class AnswerServlet extends ApiServlet {

    /** How long stop waits for the answer's end, so its reply can say "stopped" rather than "stopping". */
    private static final Duration STOP_WAIT = Duration.ofSeconds(2);

    @Override
    protected Set<String> methods() {
        return Set.of("GET", "POST", "OPTIONS");
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String messageId = messageId(req, "stream");
        int from = lastEventId(req);
        Answer answer = inMemory(req, messageId);
        if (answer != null) {
            int sent = answer.log().snapshot().size();
            if (from > sent) {
                // no browser saw that id: a stream from there would end with no terminal event and be retried forever
                throw new ApiException(400, "invalid_last_event_id", "Last-Event-ID " + from
                        + " is past the last event of this answer (" + sent + "); resume from 0 or a smaller id.");
            }
            SseConnection.follow(req, resp, answer, from, app);
            return;
        }
        replayFromStore(req, resp, messageId);
    }

    /** The answer ended long ago or before a restart: rebuild its events from the store. */
    private void replayFromStore(HttpServletRequest req, HttpServletResponse resp, String messageId)
            throws IOException {
        String owner = Owners.existing(req);
        StoredAnswer stored = owner == null ? null : app.store.findAnswer(owner, messageId).orElse(null);
        if (stored == null) {
            throw notFound();
        }
        byte[][] frames = StoredReplay.frames(app.json, stored, app.services.upstream() != null
                && app.services.upstream().isDemo());
        SseConnection.replay(req, resp, frames, app);
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Answer answer = inMemory(req, messageId(req, "stop"));
        if (answer == null) {
            throw notFound();
        }
        answer.stop();
        try {
            answer.awaitEnd(STOP_WAIT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("messageId", answer.messageId());
        body.put("state", answer.isEnded() ? answer.status().wireName() : "stopping");
        writeJson(resp, body);
    }

    /** The message id in api/chat/{id}/{action}; any other path is a 404. */
    private static String messageId(HttpServletRequest req, String action) {
        String path = req.getPathInfo() == null ? "" : req.getPathInfo();
        String[] parts = path.split("/");
        if (parts.length != 3 || !parts[2].equals(action)) {
            throw notFound();
        }
        return parts[1];
    }

    /** The answer if it is in memory and this owner may see it; null otherwise. */
    private Answer inMemory(HttpServletRequest req, String messageId) {
        Answer answer = app.registry.find(messageId);
        String owner = Owners.existing(req);
        return answer != null && owner != null && owner.equals(answer.owner()) ? answer : null;
    }

    private static int lastEventId(HttpServletRequest req) {
        String value = req.getHeader("Last-Event-ID");
        if (value == null || value.isBlank()) {
            value = req.getParameter("lastEventId");
        }
        if (value == null || value.isBlank()) {
            return 0;
        }
        try {
            int id = Integer.parseInt(value.trim());
            if (id < 0) {
                throw new NumberFormatException();
            }
            return id;
        } catch (NumberFormatException e) {
            throw new ApiException(400, "invalid_request", "Last-Event-ID must be a whole number from 0.");
        }
    }

    private static ApiException notFound() {
        return new ApiException(404, "not_found", "There is no such answer.");
    }
}
