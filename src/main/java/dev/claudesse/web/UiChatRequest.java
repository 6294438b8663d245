package dev.claudesse.web;

import dev.claudesse.claude.Message;

import java.util.List;

/**
 * A checked POST api/ui/chat body (the AI SDK's DefaultChatTransport): the client's chat id, the
 * conversation as its user sees it (turns, alternating, ending with the question, with the files sent), the question itself, and
 * the options every dialect shares.
 */
record UiChatRequest(String chatId, List<Message> turns, String question, ChatRequestReader.Options options) {
}
