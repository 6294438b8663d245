package dev.claudesse.web;

import dev.claudesse.stream.Answer;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/** How every dialect's endpoint hands a begun answer to the engine and its client. */
final class Respond {

    static final String CONVERSATION_ID_HEADER = "Claude-SSE-Conversation-Id";

    private Respond() {
    }

    /**
     * Registers and runs the answer, then follows it on this request: as an event stream, or, for a client
     * that asked for one JSON body, with that body once the answer ended.
     */
    static void run(HttpServletRequest req, HttpServletResponse resp, Answer answer, App app) throws IOException {
        // followed from the start: an answer stopped as soon as nobody follows it must not be stopped
        // by a housekeeping pass that lands before its connection is set up
        answer.meterSpend(app.budgets.meter(answer.owner()));
        answer.follow();
        // the stored conversation's id, for clients whose own protocol has no place for it (the v1 dialects)
        resp.setHeader(CONVERSATION_ID_HEADER, answer.conversationId());
        try {
            app.registry.add(answer);
            app.executor.execute(answer);
            if (answer.dialect().streams()) {
                SseConnection.follow(req, resp, answer, 0, app);
            } else {
                WholeResponse.send(req, answer, app);
            }
        } finally {
            answer.unfollow();
        }
    }
}
