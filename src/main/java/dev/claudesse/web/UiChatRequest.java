package dev.claudesse.web;

import dev.claudesse.claude.Message;
import dev.claudesse.store.AnswerStart;

import java.util.List;

/**
 * A checked POST api/ui/chat body (the AI SDK's DefaultChatTransport): the client's chat id, the
 * conversation as its user sees it (turns, alternating, ending with the question, with the files sent),
 * the question itself, the options every dialect shares, and, for trigger regenerate-message, the
 * regeneration (the messageId the client named, often none); null for a new question.
 */
record UiChatRequest(String chatId, List<Message> turns, String question, ChatRequestReader.Options options,
                     AnswerStart.Regeneration regenerating) {
}
