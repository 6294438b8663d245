package dev.claudesse.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.claudesse.claude.ClaudeRequest;
import dev.claudesse.dialect.ChatCompletionsDialect;
import dev.claudesse.store.Started;
import dev.claudesse.stream.Answer;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * POST v1/chat/completions: OpenAI's Chat Completions, so that the OpenAI SDKs and the chat UIs built on them
 * reach Claude through the same answer engine, each answer saved and priced (docs/frontends.md). Every
 * refusal is in OpenAI's error shape. A call is saved as its question and answer, in the conversation the
 * Claude-SSE-Conversation header names (one per owner and name), else in a new one. These answers cannot
 * be resumed, so a client that goes away stops Claude at once.
 */
public final class ChatCompletionsServlet extends ApiServlet {


    private ChatRequestReader shared;
    private ChatCompletionsRequestReader reader;

    @Override
    public void init() {
        super.init();
        shared = new ChatRequestReader(app.settings, app.models, app.json);
        reader = new ChatCompletionsRequestReader(shared, app.models, AttachmentRules.of(app.settings));
    }

    @Override
    protected Set<String> methods() {
        return Set.of("POST", "OPTIONS");
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        JsonNode body = shared.jsonObject(req);
        ChatCompletionsRequest chat = reader.parse(body);
        String name = NamedConversations.fromHeader(req);
        Respond.start(req, resp, app, owner -> begin(owner, name, chat));
    }

    private Answer begin(String owner, String name, ChatCompletionsRequest chat) {
        String messageId = app.settings.newMessageId();
        ChatRequestReader.Options o = chat.options();
        Started started = NamedConversations.begin(app.store, owner, name, messageId, chat.question(), o.model(),
                null);
        // The client's messages are the conversation Claude hears; the store keeps each call's question and answer
        ClaudeRequest request = new ClaudeRequest(o.model(), o.system(), o.maxTokens(), o.temperature(), o.thinking(),
                o.effort(), chat.turns(), claudeFields(chat), Map.of());
        ChatCompletionsDialect dialect = new ChatCompletionsDialect("chatcmpl-" + messageId, o.model(),
                Instant.now().getEpochSecond(), chat.stream(), chat.includeUsage());
        Answer answer = new Answer(messageId, started.conversationId(), owner, request, app.services, dialect,
                app.registry::ended);
        answer.stopWhenUnfollowedFor(Duration.ZERO); // nothing can resume it: a client that left wants no more
        return answer;
    }

    /** Claude's body fields that only this dialect sets: top_p and stop_sequences; null when neither. */
    private ObjectNode claudeFields(ChatCompletionsRequest chat) {
        if (chat.topP() == null && chat.stop().isEmpty()) {
            return null;
        }
        ObjectNode fields = app.json.createObjectNode();
        if (chat.topP() != null) {
            fields.put("top_p", chat.topP());
        }
        if (!chat.stop().isEmpty()) {
            chat.stop().forEach(fields.putArray("stop_sequences")::add);
        }
        return fields;
    }

    @Override
    protected Object errorBody(ApiException e) {
        return openAiError(e);
    }

    /** A refusal in OpenAI's shape, the product's type as its code; shared by the v1 endpoints. */
    static Object openAiError(ApiException e) {
        String param = e instanceof ChatCompletionsRequestReader.Refusal r ? r.param() : null;
        return ChatCompletionsDialect.error(Json.MAPPER, e.status(), e.type(), e.getMessage(), param);
    }
}
