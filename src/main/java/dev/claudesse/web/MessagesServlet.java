package dev.claudesse.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.claudesse.claude.ClaudeRequest;
import dev.claudesse.dialect.MessagesDialect;
import dev.claudesse.store.Started;
import dev.claudesse.stream.Answer;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * Claude's own Messages API, POST v1/messages (docs/frontends.md): clients built on the official SDKs point
 * their base URL at the WAR, and the server adds the real key. Each call saves its last user message and
 * the answer, in the conversation the Claude-SSE-Conversation header names (one per owner and name), else
 * in a new one. Such a client cannot resume, so an answer nobody follows any more is stopped at once.
 */
public final class MessagesServlet extends ApiServlet {

    private ChatRequestReader shared;
    private MessagesRequestReader reader;

    @Override
    public void init() {
        super.init();
        shared = new ChatRequestReader(app.settings, app.models, app.json);
        reader = new MessagesRequestReader(app.settings, app.models);
    }

    @Override
    protected Set<String> methods() {
        return Set.of("POST", "OPTIONS");
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        JsonNode body = shared.jsonObject(req);
        MessagesRequestReader.MessagesRequest call = reader.parse(body, req);
        String name = NamedConversations.fromHeader(req);
        Respond.start(req, resp, app, owner -> begin(owner, name, call));
    }

    private Answer begin(String owner, String name, MessagesRequestReader.MessagesRequest call) {
        String messageId = app.settings.newMessageId();
        Started started = NamedConversations.begin(app.store, owner, name, messageId, call.question(), call.model(),
                null);
        // The client sends the whole conversation each time, as to Claude: the stored history is not added.
        ClaudeRequest request = new ClaudeRequest(call.model(), null, call.maxTokens(), null, call.thinking(), null,
                call.turns(), call.fields(), call.headers());
        Answer answer = new Answer(messageId, started.conversationId(), owner, request, app.services,
                new MessagesDialect(call.stream(), messageId), app.registry::ended);
        answer.stopWhenUnfollowedFor(Duration.ZERO);
        return answer;
    }

    /** Claude's error shape, so the SDKs raise their usual errors (BadRequestError and the like). */
    @Override
    protected Object errorBody(ApiException e) {
        String type = switch (e.status()) {
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 413 -> "request_too_large";
            case 429 -> "rate_limit_error";
            case 500, 502, 503 -> "api_error";
            default -> "invalid_request_error";
        };
        return Map.of("type", "error", "error", Map.of("type", type, "message", e.getMessage()));
    }
}
