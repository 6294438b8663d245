package dev.claudesse.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.claudesse.claude.ClaudeRequest;
import dev.claudesse.dialect.UiMessageDialect;
import dev.claudesse.store.Started;
import dev.claudesse.stream.Answer;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The AI SDK's `useChat` dialect (docs/frontends.md): POST api/ui/chat starts an answer streamed as a UI
 * message stream; GET api/ui/chat/{chatId}/stream replays the chat's running answer from its start and
 * follows it (204 when there is none); POST api/ui/chat/{chatId}/stop stops it. A chat id names one stored
 * conversation of its owner. useChat's stop() only drops the connection, so an answer nobody follows for
 * CLAUDE_SSE_UI_STOP_GRACE_SECONDS is stopped, unless a resume (a page reload) follows it again first.
 */
public final class UiChatServlet extends ApiServlet {

    /** Names the node of the browser's latest useChat answer, for the proxy (docs/scaling.md). */
    static final String NODE_COOKIE = "claude_sse_node";

    private ChatRequestReader shared;
    private UiChatRequestReader reader;

    @Override
    public void init() {
        super.init();
        shared = new ChatRequestReader(app.settings, app.models, app.json);
        reader = new UiChatRequestReader(shared, AttachmentRules.of(app.settings));
    }

    @Override
    protected Set<String> methods() {
        return Set.of("GET", "POST", "OPTIONS");
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String chatId = chatId(req, "stop");
        if (chatId != null) {
            stop(req, resp, chatId);
            return;
        }
        if (req.getPathInfo() != null && !req.getPathInfo().equals("/")) {
            throw notFound();
        }
        JsonNode body = shared.jsonObject(req);
        UiChatRequest chat = reader.parse(body);
        Respond.start(req, resp, app, owner -> {
            Answer answer = begin(owner, chat);
            nodeCookie(req, resp);
            return answer;
        });
    }

    /**
     * The cookie that names the node running this browser's latest chat answer, so a proxy can send the
     * chat's resume and stop to it (nginx/claude-sse-nodes.conf, docs/scaling.md); none without a node name.
     */
    private void nodeCookie(HttpServletRequest req, HttpServletResponse resp) {
        if (app.settings.node() == null) {
            return;
        }
        Cookie cookie = new Cookie(NODE_COOKIE, app.settings.node());
        cookie.setHttpOnly(true);
        cookie.setSecure(req.isSecure());
        cookie.setPath(req.getContextPath() + "/api/ui/chat");
        cookie.setAttribute("SameSite", "Lax");
        resp.addCookie(cookie);
    }

    private Answer begin(String owner, UiChatRequest chat) {
        String messageId = app.settings.newMessageId();
        ChatRequestReader.Options o = chat.options();
        Started started = NamedConversations.begin(app.store, owner, chat.chatId(), messageId, chat.question(),
                o.model(), chat.regenerating());
        // The client's messages are the conversation as its user sees it (edited, regenerated): they are sent
        ClaudeRequest request = app.caching.apply(new ClaudeRequest(o.model(), o.system(), o.maxTokens(),
                o.temperature(), o.thinking(), o.effort(), chat.turns()));
        Answer answer = new Answer(messageId, started.conversationId(), owner, request, app.services,
                UiMessageDialect.INSTANCE, app.registry::ended);
        answer.stopWhenUnfollowedFor(app.settings.uiStopGrace());
        return answer;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String chatId = chatId(req, "stream");
        if (chatId == null) {
            throw notFound();
        }
        String owner = Owners.existing(req);
        Answer running = owner == null ? null : app.registry.runningIn(owner, NamedConversations.id(owner, chatId));
        if (running == null) {
            resp.setStatus(204); // useChat asks on every mount, new chats and other owners' included
            return;
        }
        SseConnection.follow(req, resp, running, 0, app); // the SDK expects the whole answer again
    }

    private void stop(HttpServletRequest req, HttpServletResponse resp, String chatId) throws IOException {
        String owner = Owners.existing(req);
        Answer running = owner == null ? null : app.registry.runningIn(owner, NamedConversations.id(owner, chatId));
        if (running == null) {
            throw new ApiException(404, "not_found", "This chat has no running answer.");
        }
        running.stop();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("chatId", chatId);
        body.put("messageId", running.messageId());
        body.put("state", "stopping");
        writeJson(resp, body);
    }

    /** The chat id of api/ui/chat/{chatId}/{action}, or null for another path. */
    private static String chatId(HttpServletRequest req, String action) {
        String path = req.getPathInfo() == null ? "" : req.getPathInfo();
        String[] parts = path.split("/");
        if (parts.length == 3 && parts[2].equals(action)) {
            if (!UiChatRequestReader.CHAT_ID.matcher(parts[1]).matches()) {
                throw notFound();
            }
            return parts[1];
        }
        return null;
    }

    private static ApiException notFound() {
        return new ApiException(404, "not_found", "There is no such chat action.");
    }
}
