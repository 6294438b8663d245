package dev.claudesse.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.claudesse.claude.Attachment;
import dev.claudesse.claude.Message;
import dev.claudesse.protocol.Utf16;
import dev.claudesse.store.AnswerStart;

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
    private final AttachmentRules rules;

    UiChatRequestReader(ChatRequestReader shared, AttachmentRules rules) {
        this.shared = shared;
        this.rules = rules;
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
        List<Message> turns = new ArrayList<>();
        for (JsonNode message : messages) {
            addTurn(turns, message);
        }
        rules.checkCount(turns.stream().mapToLong(t -> t.attachments().size()).sum(), "files");
        while (!turns.isEmpty() && !turns.getFirst().role().equals("user")) {
            turns.removeFirst(); // Claude's conversation starts with the user
        }
        if (turns.isEmpty() || !turns.getLast().role().equals("user") || turns.getLast().text().isBlank()) {
            throw invalid("invalid_request", "The last message must be the user's, with text.");
        }
        AnswerStart.Regeneration regenerating = "regenerate-message".equals(trigger)
                ? new AnswerStart.Regeneration(ChatRequestReader.text(root, "messageId")) : null;
        return new UiChatRequest(chatId, List.copyOf(turns), turns.getLast().text(), shared.options(root),
                regenerating);
    }

    /** Appends a message's text and files, joined to the previous turn when the role repeats (Claude wants them alternating). */
    private void addTurn(List<Message> turns, JsonNode message) {
        String role = message.path("role").asText("");
        if (role.equals("system")) {
            return; // the server's system prompt and the request's "system" field apply instead
        }
        if (!role.equals("user") && !role.equals("assistant")) {
            throw invalid("invalid_request", "A message's role must be user or assistant, not \"" + role + "\".");
        }
        StringBuilder text = new StringBuilder();
        List<Attachment> files = new ArrayList<>();
        for (JsonNode part : message.path("parts")) {
            String type = part.path("type").asText("");
            switch (type) {
                case "text" -> text.append(Utf16.wellFormed(part.path("text").asText("")));
                case "reasoning", "step-start" -> {
                    // what Claude thought before is not sent back
                }
                case "file" -> {
                    if (!role.equals("user")) {
                        throw invalid("unsupported_part", "Only the user's messages may carry files.");
                    }
                    files.add(attachment(part));
                }
                default -> throw invalid("unsupported_part", "Message parts of type \"" + type + "\" are not"
                        + " supported; send text and files.");
            }
        }
        if (text.isEmpty() && files.isEmpty() && role.equals("assistant")) {
            return;
        }
        if (!turns.isEmpty() && turns.getLast().role().equals(role)) {
            Message previous = turns.removeLast();
            List<Attachment> all = new ArrayList<>(previous.attachments());
            all.addAll(files);
            turns.add(new Message(role, previous.text() + "\n\n" + text, all));
        } else {
            turns.add(new Message(role, text.toString(), files));
        }
    }

    /** A file part: an image or PDF as a base64 data: URL (sent to Claude as data) or an https URL (Claude fetches it). */
    private Attachment attachment(JsonNode part) {
        String mediaType = part.path("mediaType").asText("");
        AttachmentRules.checkType(mediaType, AttachmentRules.MEDIA_TYPES);
        String url = part.path("url").asText("");
        if (url.startsWith("https://")) {
            return new Attachment(mediaType, null, url);
        }
        Attachment data = rules.dataUrl(url);
        if (data == null || !data.mediaType().equals(mediaType)) {
            throw invalid("invalid_request", "A file's url must be a base64 data: URL of its media type, or https.");
        }
        return data;
    }
}
