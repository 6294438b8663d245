package dev.claudesse.web;

import dev.claudesse.budget.BudgetExceededException;
import dev.claudesse.stream.Answer;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/** How every dialect's endpoint hands a begun answer to the engine and its client. */
final class Respond {

    static final String CONVERSATION_ID_HEADER = "Claude-SSE-Conversation-Id";
    /** The error type of a start refused by a draining node, and its health status. */
    static final String DRAINING = "draining";
    private static final long DRAINING_RETRY_AFTER_SECONDS = 2;

    private Respond() {
    }

    /** How a dialect's endpoint begins its answer once its owner has a running slot: saves the question, builds the Answer. */
    @FunctionalInterface
    interface Begin {
        Answer begin(String owner);
    }

    /**
     * Every dialect's start, after its request was read and checked: the upstream must exist, the owner is
     * found (or made), admitted (limits, budgets, a running slot), the answer begun and run. A failure to
     * begin frees the slot again.
     */
    static void start(HttpServletRequest req, HttpServletResponse resp, App app, Begin begin) throws IOException {
        if (app.services.upstream() == null) {
            throw new ApiException(503, "upstream_not_configured",
                    "No ANTHROPIC_API_KEY is set and the demo upstream is switched off.");
        }
        refuseWhileDraining(app, resp); // before anything is counted, saved or asked of Claude
        String owner = Owners.resolve(req, resp);
        admit(app, req, owner);
        if (app.draining()) { // the drain began while this start was admitted: no answer of it ran yet
            app.registry.release(owner);
            refuseWhileDraining(app, resp);
        }
        Answer answer;
        try {
            answer = begin.begin(owner);
        } catch (RuntimeException e) {
            app.registry.release(owner);
            throw e;
        }
        run(req, resp, answer, app);
    }

    /**
     * A draining node (stopping, or drained by an operator) takes no new answer: 503 with Retry-After,
     * in the endpoint's own error shape. Nothing was saved and Claude was not called, so a proxy may send
     * the same request to another node (nginx's proxy_next_upstream http_503, docs/scaling.md); and the
     * connection is closed after it, so that a proxy's idle keep-alive connections to this node go away.
     */
    private static void refuseWhileDraining(App app, HttpServletResponse resp) {
        if (app.draining()) {
            resp.setHeader("Connection", "close");
            throw new ApiException(503, DRAINING, "This server is restarting and takes no new answers; try again"
                    + " (another server may take it at once).", DRAINING_RETRY_AFTER_SECONDS);
        }
    }

    /**
     * Admission of an answer start, shared by every dialect: the per-address limit on anonymous starts
     * (docs/protocol.md, "Limits"; owners with a token or a login are not counted by address: a backend
     * with a token speaks for many people from one address), the budgets, then a running slot.
     */
    private static void admit(App app, HttpServletRequest req, String owner) {
        if (owner.startsWith(Owners.ANONYMOUS_PREFIX)) {
            long wait = app.limits.answerStart(req.getRemoteAddr(), Owners.forwardedFor(req));
            if (wait > 0) {
                throw new ApiException(429, "address_rate_limited", "Too many answers were started from your network "
                        + "address in the last minute (the limit is " + app.limits.config().answersPerMinute()
                        + "); try again in " + Owners.waitText(wait) + ".", wait);
            }
        }
        try {
            app.budgets.check(owner); // before a slot is taken: a spent budget calls no Claude at all
        } catch (BudgetExceededException e) {
            throw new ApiException(429, "budget_exceeded", e.getMessage(), Math.max(1, e.untilReset().toSeconds()));
        }
        switch (app.registry.admit(owner)) {
            case OWNER_LIMIT -> throw new ApiException(429, "too_many_answers",
                    "You already have " + app.settings.maxAnswersPerOwner() + " answers streaming; wait for one to end.");
            case GLOBAL_LIMIT -> throw new ApiException(429, "server_busy",
                    "The server is streaming as many answers as it may; try again shortly.");
            case ADMITTED -> {
            }
        }
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
