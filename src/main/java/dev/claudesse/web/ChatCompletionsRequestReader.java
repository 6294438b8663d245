package dev.claudesse.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.claudesse.claude.Attachment;
import dev.claudesse.claude.Message;
import dev.claudesse.models.ModelPolicy;
import dev.claudesse.models.ModelSpec;
import dev.claudesse.protocol.Utf16;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads an OpenAI Chat Completions body into what Claude is asked. The options every dialect shares (model,
 * max_tokens, temperature, reasoning_effort) are checked by ChatRequestReader exactly as on api/chat; what
 * Claude cannot honour (n > 1, logprobs, tools, a JSON response format, audio, penalties, logit_bias, web
 * search) is refused with a 400 naming the parameter, never dropped: the client would get another answer
 * than the one it asked for. Fields that do not change the answer (user, seed, store, metadata) are ignored.
 */
final class ChatCompletionsRequestReader {

    /** Claude takes an image URL without its type: it fetches the image and sees what it is. */
    private static final String IMAGE_OF_UNKNOWN_TYPE = "image/*";

    private final ChatRequestReader shared;
    private final ModelPolicy models;
    private final AttachmentRules rules;

    ChatCompletionsRequestReader(ChatRequestReader shared, ModelPolicy models, AttachmentRules rules) {
        this.shared = shared;
        this.models = models;
        this.rules = rules;
    }

    /** A refusal that names the request field to blame, for OpenAI's error.param. */
    static final class Refusal extends ApiException {
        private final String param;

        Refusal(String param, String type, String message) {
            super(400, type, message);
            this.param = param;
        }

        String param() {
            return param;
        }
    }

    ChatCompletionsRequest parse(JsonNode root) {
        refuseWhatClaudeCannotHonour(root);
        StringBuilder system = new StringBuilder();
        List<Message> turns = turns(root.get("messages"), system);
        ObjectNode fields = JsonNodeFactory.instance.objectNode(); // the shared options under the product's names
        fields.set("model", root.get("model"));
        if (!system.isEmpty()) {
            fields.put("system", system.toString());
        }
        String maxTokensName = present(root, "max_completion_tokens") ? "max_completion_tokens" : "max_tokens";
        fields.set("maxTokens", root.get(maxTokensName));
        JsonNode temperature = root.get("temperature");
        if (present(root, "temperature")) {
            if (!temperature.isNumber() || temperature.asDouble() < 0 || temperature.asDouble() > 2) {
                throw refused("temperature", "\"temperature\" must be a number from 0 to 2.");
            }
            fields.put("temperature", Math.min(1.0, temperature.asDouble())); // Claude's range ends at 1
        }
        String effort = string(root, "reasoning_effort");
        if (effort != null && !effort.equals("none")) {
            if (!ChatRequestReader.EFFORT_LEVELS.contains(effort)) {
                throw refused("reasoning_effort", "\"reasoning_effort\" must be none or one of "
                        + String.join(", ", ChatRequestReader.EFFORT_LEVELS) + ".");
            }
            fields.put("thinking", true).put("effort", effort);
        }
        ChatRequestReader.Options options = shared.options(fields,
                new ChatRequestReader.FieldNames(maxTokensName, "reasoning_effort"));
        JsonNode streamOptions = root.path("stream_options");
        return new ChatCompletionsRequest(turns, turns.getLast().text(), options, topP(root, options), stop(root),
                bool(root, "stream"), streamOptions.isObject() && bool(streamOptions, "include_usage"));
    }

    /** Each parameter that would change the answer in a way Claude cannot, when set to anything but its default. */
    private static void refuseWhatClaudeCannotHonour(JsonNode root) {
        JsonNode n = root.get("n");
        if (present(root, "n") && !(n.isIntegralNumber() && n.asLong() == 1)) {
            throw refused("n", "Claude gives one choice per request: leave \"n\" out or send 1.");
        }
        if (present(root, "logprobs") && root.get("logprobs").asBoolean(true)) {
            throw refused("logprobs", "Claude does not give log probabilities: leave \"logprobs\" out.");
        }
        if (present(root, "top_logprobs") && root.get("top_logprobs").asLong(1) != 0) {
            throw refused("top_logprobs", "Claude does not give log probabilities: leave \"top_logprobs\" out.");
        }
        for (String tools : List.of("tools", "functions")) {
            if (present(root, tools) && !(root.get(tools).isArray() && root.get(tools).isEmpty())) {
                throw refused(tools, "Tool calling is not supported here yet: leave \"" + tools + "\" out.");
            }
        }
        for (String choice : List.of("tool_choice", "function_call")) {
            if (present(root, choice) && !root.get(choice).asText("").equals("none")) {
                throw refused(choice, "Tool calling is not supported here yet: leave \"" + choice + "\" out.");
            }
        }
        JsonNode format = root.get("response_format");
        if (present(root, "response_format") && !format.path("type").asText("").equals("text")) {
            throw refused("response_format", "Only the text response format is supported: leave \"response_format\""
                    + " out or send {\"type\": \"text\"}.");
        }
        if (present(root, "audio")) {
            throw refused("audio", "Claude does not answer with audio: leave \"audio\" out.");
        }
        JsonNode modalities = root.get("modalities");
        if (present(root, "modalities") && !(modalities.isArray() && modalities.size() == 1
                && modalities.get(0).asText("").equals("text"))) {
            throw refused("modalities", "Claude answers with text only: leave \"modalities\" out or send [\"text\"].");
        }
        for (String penalty : List.of("presence_penalty", "frequency_penalty")) {
            if (present(root, penalty) && !(root.get(penalty).isNumber() && root.get(penalty).asDouble() == 0)) {
                throw refused(penalty, "Claude has no \"" + penalty + "\": leave it out or send 0.");
            }
        }
        JsonNode bias = root.get("logit_bias");
        if (present(root, "logit_bias") && !(bias.isObject() && bias.isEmpty())) {
            throw refused("logit_bias", "Claude has no \"logit_bias\": leave it out.");
        }
        if (present(root, "web_search_options")) {
            throw refused("web_search_options", "Web search is not offered here: leave \"web_search_options\" out.");
        }
        if (present(root, "verbosity") && !root.get("verbosity").asText("").equals("medium")) {
            throw refused("verbosity", "Claude has no \"verbosity\": leave it out.");
        }
    }

    /** The Claude turns of messages; system and developer messages are joined into system. */
    private List<Message> turns(JsonNode messages, StringBuilder system) {
        if (messages == null || !messages.isArray() || messages.isEmpty()) {
            throw refused("messages", "\"messages\" must be a non-empty list of messages.");
        }
        List<Message> turns = new ArrayList<>();
        int files = 0;
        for (int i = 0; i < messages.size(); i++) {
            JsonNode message = messages.get(i);
            String param = "messages[" + i + "]";
            String role = message.path("role").asText("");
            switch (role) {
                case "system", "developer" -> {
                    String text = text(message.get("content"), param, false, null);
                    if (!text.isBlank()) {
                        system.append(system.isEmpty() ? "" : "\n\n").append(text);
                    }
                }
                case "user", "assistant" -> {
                    JsonNode toolCalls = message.path("tool_calls");
                    if (present(message, "function_call") || (present(message, "tool_calls")
                            && !(toolCalls.isArray() && toolCalls.isEmpty()))) {
                        throw refused(param, "Tool calling is not supported here yet: send no tool calls.");
                    }
                    List<Attachment> images = new ArrayList<>();
                    String text = text(message.get("content"), param, role.equals("user"), images);
                    files += images.size();
                    if (files > rules.maxCount()) {
                        throw refused(param, "too_many_attachments", "A request may carry at most " + rules.maxCount()
                                + " images.");
                    }
                    add(turns, role, text, images);
                }
                case "tool", "function" -> throw refused(param, "Tool calling is not supported here yet: send no"
                        + " " + role + " messages.");
                default -> throw refused(param, "A message's role must be system, developer, user or assistant, not \""
                        + role + "\".");
            }
        }
        while (!turns.isEmpty() && !turns.getFirst().role().equals("user")) {
            turns.removeFirst(); // Claude's conversation starts with the user
        }
        if (turns.isEmpty() || !turns.getLast().role().equals("user") || turns.getLast().text().isBlank()) {
            throw refused("messages", "The last message must be the user's, with text.");
        }
        return turns;
    }

    /** Appends a turn, joined to the previous one when the role repeats (Claude wants them alternating). */
    private static void add(List<Message> turns, String role, String text, List<Attachment> images) {
        if (text.isEmpty() && images.isEmpty()) {
            return;
        }
        if (!turns.isEmpty() && turns.getLast().role().equals(role)) {
            Message previous = turns.removeLast();
            List<Attachment> all = new ArrayList<>(previous.attachments());
            all.addAll(images);
            String joined = previous.text().isEmpty() ? text : text.isEmpty() ? previous.text()
                    : previous.text() + "\n\n" + text;
            turns.add(new Message(role, joined, all));
        } else {
            turns.add(new Message(role, text, images));
        }
    }

    /**
     * A message's content: a string, null, or parts; text parts are joined as paragraphs. images, when not
     * null, takes the image_url parts (the user's); without it an image is refused.
     */
    private String text(JsonNode content, String param, boolean imagesAllowed, List<Attachment> images) {
        if (content == null || content.isNull()) {
            return "";
        }
        if (content.isTextual()) {
            return Utf16.wellFormed(content.asText());
        }
        if (!content.isArray()) {
            throw refused(param + ".content", "A message's content must be a string or a list of parts.");
        }
        StringBuilder text = new StringBuilder();
        for (int j = 0; j < content.size(); j++) {
            JsonNode part = content.get(j);
            String partParam = param + ".content[" + j + "]";
            String type = part.path("type").asText("");
            if (type.equals("text")) {
                text.append(text.isEmpty() ? "" : "\n\n").append(Utf16.wellFormed(part.path("text").asText("")));
            } else if (type.equals("image_url") && imagesAllowed) {
                images.add(image(part.path("image_url").path("url").asText(""), partParam));
            } else {
                throw refused(partParam, "unsupported_part", "Content parts of type \"" + type + "\" are not supported"
                        + (imagesAllowed ? "; send text and image_url parts." : " here; send text."));
            }
        }
        return text.toString();
    }

    /** An image_url part: a base64 data: URL of a PNG, JPEG, GIF or WebP image, or an https URL Claude fetches. */
    private Attachment image(String url, String param) {
        if (url.startsWith("https://")) {
            return new Attachment(IMAGE_OF_UNKNOWN_TYPE, null, url);
        }
        Attachment image = rules.dataUrl(url);
        if (image == null) {
            throw refused(param, "An image's url must be a base64 data: URL or https.");
        }
        if (!AttachmentRules.IMAGE_TYPES.contains(image.mediaType())) {
            throw refused(param, "unsupported_media_type", "Images of type \"" + image.mediaType() + "\" are not"
                    + " supported; send PNG, JPEG, GIF or WebP.");
        }
        return image;
    }

    /**
     * top_p as Claude takes it, null for none (1 means the same). Claude's rules: none for models without
     * sampling parameters, not with a temperature, and from 0.95 when it thinks.
     */
    private Double topP(JsonNode root, ChatRequestReader.Options options) {
        if (!present(root, "top_p")) {
            return null;
        }
        JsonNode value = root.get("top_p");
        if (!value.isNumber() || value.asDouble() < 0 || value.asDouble() > 1) {
            throw refused("top_p", "\"top_p\" must be a number from 0 to 1.");
        }
        if (value.asDouble() == 1) {
            return null;
        }
        ModelSpec spec = models.table().find(options.model());
        if (spec != null && !spec.sampling()) {
            throw refused("top_p", "The model \"" + options.model() + "\" does not take \"top_p\"; leave it out.");
        }
        if (options.temperature() != null) {
            throw refused("top_p", "Claude takes \"temperature\" or \"top_p\", not both: send one.");
        }
        if (options.thinking() != null && value.asDouble() < 0.95) {
            throw refused("top_p", "With reasoning_effort, \"top_p\" must be from 0.95 to 1.");
        }
        return value.asDouble();
    }

    /** stop: a string or a list of them, each with something besides white space (Claude refuses blank ones). */
    private static List<String> stop(JsonNode root) {
        if (!present(root, "stop")) {
            return List.of();
        }
        JsonNode stop = root.get("stop");
        Iterable<JsonNode> given = stop.isArray() ? stop : List.of(stop);
        List<String> sequences = new ArrayList<>();
        for (JsonNode sequence : given) {
            if (!sequence.isTextual() || sequence.asText().isBlank()) {
                throw refused("stop", "\"stop\" must be a string or a list of strings, none of them blank.");
            }
            sequences.add(Utf16.wellFormed(sequence.asText()));
        }
        return List.copyOf(sequences);
    }

    private static boolean present(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && !value.isNull();
    }

    private static boolean bool(JsonNode node, String field) {
        if (!present(node, field)) {
            return false;
        }
        if (!node.get(field).isBoolean()) {
            throw refused(field, "\"" + field + "\" must be true or false.");
        }
        return node.get(field).asBoolean();
    }

    private static String string(JsonNode node, String field) {
        if (!present(node, field)) {
            return null;
        }
        if (!node.get(field).isTextual()) {
            throw refused(field, "\"" + field + "\" must be a string.");
        }
        return node.get(field).asText();
    }

    private static Refusal refused(String param, String message) {
        return refused(param, "invalid_request", message);
    }

    private static Refusal refused(String param, String type, String message) {
        return new Refusal(param, type, message);
    }
}
