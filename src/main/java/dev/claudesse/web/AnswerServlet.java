package dev.claudesse.web;

import dev.claudesse.stream.Answer;
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
        Answer answer = answer(req, "stream");
        int from = lastEventId(req);
        SseConnection connection = SseConnection.open(req, resp, answer.log()::wake, app::abortAll);
        app.executor.execute(new EventRelay(answer, connection, from, app.settings.pingInterval()));
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Answer answer = answer(req, "stop");
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

    /** The answer named in the path, if this owner may see it; anything else is a 404. */
    private Answer answer(HttpServletRequest req, String action) {
        String path = req.getPathInfo() == null ? "" : req.getPathInfo();
        String[] parts = path.split("/");
        if (parts.length != 3 || !parts[2].equals(action)) {
            throw notFound();
        }
        Answer answer = app.registry.find(parts[1]);
        String owner = Owners.existing(req);
        if (answer == null || owner == null || !owner.equals(answer.owner())) {
            throw notFound();
        }
        return answer;
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
