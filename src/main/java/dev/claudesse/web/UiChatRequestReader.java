package dev.claudesse.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.claudesse.protocol.Utf16;
import dev.claudesse.store.Turn;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import static dev.claudesse.web.ChatRequestReader.invalid;

/**
 * Reads the body `useChat` sends: {id, messages: UIMessage[], trigger, messageId?} plus the fields the app
 * merges in (model, system, maxTokens, temperature, thinking, effort, checked as on api/chat). The Claude
 * request is built from the client's messages: text parts, in order; reasoning and step parts are left out.
 */
final class UiChatRequestReader {

    static final Pattern CHAT_ID = Pattern.compile("[A-Za-z0-9_-]{1,128}");

    private final ChatRequestReader shared;

    UiChatRequestReader(ChatRequestReader shared) {
        this.shared = shared;
    }

    UiChatRequest parse(JsonNode root) {
        String chatId = ChatRequestReader.text(root, "id");
        if (chatId == null || !CHAT_ID.matcher(chatId).matches()) {
            throw invalid("invalid_request", "\"id\" must be a chat id of 1 to 128 letters, digits, _ or -.");
        }
        String trigger = ChatRequestReader.text(root, "trigger");
        if (trigger != null && !trigger.equals("submit-message") && !trigger.equals("regenerate-message")) {
            throw invalid("invalid_request", "\"trigger\" must be submit-message or regenerate-message.");
        }
        JsonNode messages = root.get("messages");
        if (messages == null || !messages.isArray() || messages.isEmpty()) {
            throw invalid("invalid_request", "\"messages\" must be a non-empty list of UI messages.");
        }
        List<Turn> turns = new ArrayList<>();
        for (JsonNode message : messages) {
            addTurn(turns, message);
        }
        while (!turns.isEmpty() && !turns.getFirst().role().equals("user")) {
            turns.removeFirst(); // Claude's conversation starts with the user
        }
        if (turns.isEmpty() || !turns.getLast().role().equals("user") || turns.getLast().text().isBlank()) {
            throw invalid("invalid_request", "The last message must be the user's, with text.");
        }
        return new UiChatRequest(chatId, List.copyOf(turns), turns.getLast().text(), shared.options(root));
    }

    /** Appends a message's text, joined to the previous turn when the role repeats (Claude wants them alternating). */
    private static void addTurn(List<Turn> turns, JsonNode message) {
        String role = message.path("role").asText("");
        if (role.equals("system")) {
            return; // the server's system prompt and the request's "system" field apply instead
        }
        if (!role.equals("user") && !role.equals("assistant")) {
            throw invalid("invalid_request", "A message's role must be user or assistant, not \"" + role + "\".");
        }
        StringBuilder text = new StringBuilder();
        for (JsonNode part : message.path("parts")) {
            String type = part.path("type").asText("");
            switch (type) {
                case "text" -> text.append(Utf16.wellFormed(part.path("text").asText("")));
                case "reasoning", "step-start" -> {
                    // what Claude thought before is not sent back
                }
                case "file" -> throw invalid("unsupported_part", "File parts (attachments) are not supported on"
                        + " this server yet; send text.");
                default -> throw invalid("unsupported_part", "Message parts of type \"" + type + "\" are not"
                        + " supported; send text.");
            }
        }
        if (text.isEmpty() && role.equals("assistant")) {
            return;
        }
        if (!turns.isEmpty() && turns.getLast().role().equals(role)) {
            Turn previous = turns.removeLast();
            turns.add(new Turn(role, previous.text() + "\n\n" + text));
        } else {
            turns.add(new Turn(role, text.toString()));
        }
    }
}
