package dev.claudesse.web;

import dev.claudesse.claude.Attachment;
import dev.claudesse.claude.ClaudeRequest;
import dev.claudesse.claude.Message;
import dev.claudesse.dialect.ProductDialect;
import dev.claudesse.store.AnswerStart;
import dev.claudesse.store.ConversationFullException;
import dev.claudesse.store.ConversationNotFoundException;
import dev.claudesse.store.NothingToRegenerateException;
import dev.claudesse.store.Started;
import dev.claudesse.stream.Answer;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * POST api/chat: checks the request on the container thread, saves the user's message, then hands the
 * answer to a virtual thread and makes this connection follow the answer's events.
 */
public final class ChatServlet extends ApiServlet {

    private ChatRequestReader reader;

    @Override
    public void init() {
        super.init();
        reader = new ChatRequestReader(app.settings, app.models, app.json);
    }

    @Override
    protected Set<String> methods() {
        return Set.of("POST", "OPTIONS");
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        ChatRequest chat = reader.read(req);
        Respond.start(req, resp, app, owner -> {
            try {
                return begin(owner, chat);
            } catch (ConversationNotFoundException e) {
                throw new ApiException(404, "conversation_not_found", "There is no conversation with that id.");
            } catch (ConversationFullException e) {
                throw ApiException.of(e);
            } catch (NothingToRegenerateException e) {
                throw e.streaming() ? new ApiException(409, "answer_streaming", e.getMessage())
                        : new ApiException(400, "nothing_to_regenerate", e.getMessage());
            }
        });
    }

    private Answer begin(String owner, ChatRequest chat)
            throws ConversationNotFoundException, ConversationFullException {
        String messageId = app.settings.newMessageId();
        Started started = app.store.begin(new AnswerStart(owner, chat.conversationId(),
                UUID.randomUUID().toString(), messageId, chat.message(), chat.model(), Instant.now(), false,
                chat.regenerate() ? new AnswerStart.Regeneration(null) : null, chat.attachments()));
        List<Message> messages = new ArrayList<>();
        started.history().forEach(turn -> messages.add(Message.of(turn)));
        // the files saved with the question (for a regeneration, those of the question asked again)
        messages.add(new Message("user", started.question(), started.questionFiles().stream()
                .map(file -> Attachment.of(file.mediaType(), file.bytes())).toList()));
        ClaudeRequest request = app.caching.apply(new ClaudeRequest(chat.model(), chat.system(), chat.maxTokens(),
                chat.temperature(), chat.thinking(), chat.effort(), messages));
        return new Answer(messageId, started.conversationId(), owner, request, app.services, ProductDialect.INSTANCE,
                app.registry::ended);
    }
}
