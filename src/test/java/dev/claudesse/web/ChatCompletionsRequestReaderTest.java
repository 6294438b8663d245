package dev.claudesse.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.claudesse.claude.Attachment;
import dev.claudesse.claude.Message;
import dev.claudesse.claude.Thinking;
import dev.claudesse.config.Settings;
import dev.claudesse.config.SettingsSource;
import dev.claudesse.models.ModelPolicy;
import dev.claudesse.models.ModelTable;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChatCompletionsRequestReaderTest {

    private static final String PIXEL = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

    private final Settings settings = settings();
    private final ChatCompletionsRequestReader reader = reader(settings);

    private static Settings settings() {
        return Settings.load(new SettingsSource(Map.<String, String>of()::get));
    }

    private static ChatCompletionsRequestReader reader(Settings s) {
        try {
            ModelPolicy models = new ModelPolicy(ModelTable.load(Json.MAPPER, null), s.defaultModel(),
                    s.allowedModels(), ChatRequestReaderTest.TODAY);
            return new ChatCompletionsRequestReader(new ChatRequestReader(s, models, Json.MAPPER), models,
                    AttachmentRules.of(s));
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }

    private ChatCompletionsRequest parse(String json) {
        try {
            return reader.parse(Json.MAPPER.readTree(json));
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }

    /** The body with a one-question conversation and the given fields. */
    private static String ask(String fields) {
        return "{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]" + (fields.isEmpty() ? "" : "," + fields) + "}";
    }

    private ApiException refused(String json, String param) {
        ApiException e = assertThrows(ApiException.class, () -> parse(json), json);
        assertEquals(400, e.status(), e.getMessage());
        assertEquals(param, ((ChatCompletionsRequestReader.Refusal) e).param(), e.getMessage());
        return e;
    }

    @Test
    void aPlainQuestionGetsTheProductsDefaults() {
        ChatCompletionsRequest chat = parse(ask(""));
        assertEquals(List.of(new Message("user", "Hi", List.of())), chat.turns());
        assertEquals("Hi", chat.question());
        assertEquals("claude-sonnet-5-5", chat.options().model());
        assertEquals(settings.defaultMaxTokens(), chat.options().maxTokens());
        assertNull(chat.options().system());
        assertNull(chat.options().temperature());
        assertNull(chat.options().thinking());
        assertNull(chat.topP());
        assertEquals(List.of(), chat.stop());
        assertFalse(chat.stream());
        assertFalse(chat.includeUsage());
        ChatCompletionsRequest streamed = parse(ask("\"stream\":true,\"stream_options\":{\"include_usage\":true},"
                + "\"user\":\"u-1\",\"seed\":7,\"store\":false,\"metadata\":{\"k\":\"v\"}"));
        assertTrue(streamed.stream());
        assertTrue(streamed.includeUsage());
    }

    @Test
    void systemAndDeveloperMessagesBecomeTheSystemPromptAndRolesAlternate() {
        ChatCompletionsRequest chat = parse("{\"model\":\"claude-haiku-5-5\",\"messages\":["
                + "{\"role\":\"assistant\",\"content\":\"Welcome!\"},"
                + "{\"role\":\"system\",\"content\":\"Be brief.\"},"
                + "{\"role\":\"developer\",\"content\":[{\"type\":\"text\",\"text\":\"Answer in English.\"}]},"
                + "{\"role\":\"user\",\"content\":\"One\"},{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"Two\"},"
                + "{\"type\":\"text\",\"text\":\"Three\"}]},"
                + "{\"role\":\"assistant\",\"content\":null},{\"role\":\"assistant\",\"content\":\"Yes.\",\"tool_calls\":[]},"
                + "{\"role\":\"user\",\"content\":\"Four\"}]}");
        assertEquals("claude-haiku-5-5", chat.options().model());
        assertEquals("Be brief.\n\nAnswer in English.", chat.options().system());
        assertEquals(List.of(new Message("user", "One\n\nTwo\n\nThree", List.of()),
                new Message("assistant", "Yes.", List.of()), new Message("user", "Four", List.of())), chat.turns());
        assertEquals("Four", chat.question());
    }

    @Test
    void imagesAreDataOrUrlSourcesBeforeTheText() {
        ChatCompletionsRequest chat = parse("{\"messages\":[{\"role\":\"user\",\"content\":["
                + "{\"type\":\"text\",\"text\":\"What are these?\"},"
                + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64," + PIXEL + "\",\"detail\":\"low\"}},"
                + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"https://example.com/cat.jpg\"}}]}]}");
        Message question = chat.turns().getFirst();
        assertEquals("What are these?", question.text());
        assertEquals(List.of(new Attachment("image/png", PIXEL, null), new Attachment("image/*", null,
                "https://example.com/cat.jpg")), question.attachments());
        assertTrue(question.attachments().get(1).isImage());
    }

    @Test
    void badImagesAreRefusedBeforeAnyStream() {
        String part = "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"x\"},%s]}]}";
        ApiException type = refused(part.formatted("{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/bmp;base64,AA==\"}}"),
                "messages[0].content[1]");
        assertEquals("unsupported_media_type", type.type());
        refused(part.formatted("{\"type\":\"image_url\",\"image_url\":{\"url\":\"http://example.com/a.png\"}}"),
                "messages[0].content[1]");
        ApiException audio = refused(part.formatted("{\"type\":\"input_audio\",\"input_audio\":{\"data\":\"AA==\",\"format\":\"wav\"}}"),
                "messages[0].content[1]");
        assertEquals("unsupported_part", audio.type());
        String big = "A".repeat((int) settings.maxAttachmentBytes() / 3 * 4 + 8);
        ApiException large = assertThrows(ApiException.class, () -> parse(part.formatted(
                "{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64," + big + "\"}}")));
        assertEquals(413, large.status());
        String many = String.join(",", java.util.Collections.nCopies(settings.maxAttachments() + 1,
                "{\"type\":\"image_url\",\"image_url\":{\"url\":\"https://example.com/a.png\"}}"));
        assertEquals("too_many_attachments", refused(part.formatted(many), "messages[0]").type());
        refused("{\"messages\":[{\"role\":\"assistant\",\"content\":[{\"type\":\"image_url\",\"image_url\":"
                + "{\"url\":\"https://example.com/a.png\"}}]},{\"role\":\"user\",\"content\":\"x\"}]}", "messages[0].content[0]");
    }

    @Test
    void theConversationMustEndWithTheUsersText() {
        refused("{\"messages\":[]}", "messages");
        refused("{}", "messages");
        refused("{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"},{\"role\":\"assistant\",\"content\":\"Hello\"}]}", "messages");
        refused("{\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"}]}", "messages");
        refused("{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"},{\"role\":\"tool\",\"content\":\"42\",\"tool_call_id\":\"t\"}]}",
                "messages[1]");
        refused("{\"messages\":[{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"t\",\"type\":\"function\","
                + "\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}]},{\"role\":\"user\",\"content\":\"x\"}]}", "messages[0]");
        refused("{\"messages\":[{\"role\":\"narrator\",\"content\":\"x\"}]}", "messages[0]");
        refused("{\"messages\":[{\"role\":\"user\",\"content\":{\"text\":\"x\"}}]}", "messages[0].content");
    }

    @Test
    void outputLimitIsCheckedAsOnApiChatUnderOpenAisNames() {
        assertEquals(300, parse(ask("\"max_tokens\":300")).options().maxTokens());
        assertEquals(400, parse(ask("\"max_tokens\":300,\"max_completion_tokens\":400")).options().maxTokens());
        ApiException e = assertThrows(ApiException.class, () -> parse(ask("\"max_completion_tokens\":0")));
        assertTrue(e.getMessage().startsWith("\"max_completion_tokens\" must be a whole number from 1 to "), e.getMessage());
        e = assertThrows(ApiException.class, () -> parse(ask("\"max_tokens\":10000000")));
        assertTrue(e.getMessage().startsWith("\"max_tokens\" must be"), e.getMessage());
        e = assertThrows(ApiException.class, () -> parse(ask("\"model\":\"claude-sonnet-4\"")));
        assertEquals(400, e.status()); // retired: the same allow-list as api/chat
    }

    @Test
    void temperatureIsOpenAisRangeCappedToClaudes() {
        assertEquals(0.5, parse(ask("\"model\":\"claude-haiku-4-5\",\"temperature\":0.5")).options().temperature());
        assertEquals(1.0, parse(ask("\"model\":\"claude-haiku-4-5\",\"temperature\":1.7")).options().temperature());
        assertNull(parse(ask("\"temperature\":2")).options().temperature(), "1 is the default of a model without sampling");
        refused(ask("\"temperature\":2.5"), "temperature");
        refused(ask("\"temperature\":\"hot\""), "temperature");
        ApiException e = assertThrows(ApiException.class, () -> parse(ask("\"temperature\":0.2")));
        assertTrue(e.getMessage().contains("does not take \"temperature\""), e.getMessage());
    }

    @Test
    void topPAndStopGoToClaudesOwnFields() {
        assertEquals(0.9, parse(ask("\"model\":\"claude-haiku-4-5\",\"top_p\":0.9")).topP());
        assertNull(parse(ask("\"top_p\":1")).topP());
        refused(ask("\"top_p\":0.9"), "top_p"); // a model without sampling parameters
        refused(ask("\"model\":\"claude-haiku-4-5\",\"top_p\":0.9,\"temperature\":0.5"), "top_p");
        refused(ask("\"model\":\"claude-haiku-4-5\",\"top_p\":1.5"), "top_p");
        assertEquals(List.of("END"), parse(ask("\"stop\":\"END\"")).stop());
        assertEquals(List.of("a", "\n\nHuman:"), parse(ask("\"stop\":[\"a\",\"\\n\\nHuman:\"]")).stop());
        assertEquals(List.of(), parse(ask("\"stop\":null")).stop());
        refused(ask("\"stop\":[\"ok\",\" \"]"), "stop");
        refused(ask("\"stop\":7"), "stop");
    }

    @Test
    void reasoningEffortAsksForThinkingAtThatEffort() {
        ChatCompletionsRequest chat = parse(ask("\"reasoning_effort\":\"high\""));
        assertEquals(Thinking.adaptive("summarized"), chat.options().thinking());
        assertEquals("high", chat.options().effort());
        assertNull(parse(ask("\"reasoning_effort\":\"none\"")).options().thinking());
        refused(ask("\"reasoning_effort\":\"minimal\""), "reasoning_effort");
        ApiException e = assertThrows(ApiException.class,
                () -> parse(ask("\"model\":\"claude-haiku-4-5\",\"max_tokens\":4000,\"reasoning_effort\":\"low\"")));
        assertEquals("The model \"claude-haiku-4-5\" does not take \"reasoning_effort\".", e.getMessage());
    }

    @Test
    void whatClaudeCannotHonourIsRefusedNamingTheParameter() {
        Map<String, String> refusals = Map.ofEntries(
                Map.entry("\"n\":2", "n"), Map.entry("\"n\":0", "n"),
                Map.entry("\"logprobs\":true", "logprobs"), Map.entry("\"top_logprobs\":3", "top_logprobs"),
                Map.entry("\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}]", "tools"),
                Map.entry("\"functions\":[{\"name\":\"f\"}]", "functions"),
                Map.entry("\"tool_choice\":\"auto\"", "tool_choice"), Map.entry("\"function_call\":\"auto\"", "function_call"),
                Map.entry("\"response_format\":{\"type\":\"json_object\"}", "response_format"),
                Map.entry("\"audio\":{\"voice\":\"alloy\",\"format\":\"mp3\"}", "audio"),
                Map.entry("\"modalities\":[\"text\",\"audio\"]", "modalities"),
                Map.entry("\"presence_penalty\":0.5", "presence_penalty"),
                Map.entry("\"frequency_penalty\":-1", "frequency_penalty"),
                Map.entry("\"logit_bias\":{\"50256\":-100}", "logit_bias"),
                Map.entry("\"web_search_options\":{}", "web_search_options"),
                Map.entry("\"verbosity\":\"low\"", "verbosity"),
                Map.entry("\"stream\":\"yes\"", "stream"));
        refusals.forEach((field, param) -> refused(ask(field), param));
        // their defaults ask for nothing Claude lacks
        ChatCompletionsRequest fine = parse(ask("\"n\":1,\"logprobs\":false,\"top_logprobs\":0,\"tools\":[],"
                + "\"tool_choice\":\"none\",\"parallel_tool_calls\":true,\"response_format\":{\"type\":\"text\"},"
                + "\"modalities\":[\"text\"],\"presence_penalty\":0,\"frequency_penalty\":0.0,\"logit_bias\":{},"
                + "\"verbosity\":\"medium\",\"audio\":null"));
        assertEquals("Hi", fine.question());
    }

    @Test
    void refusalsCarryOpenAisErrorShape() throws IOException {
        ApiException e = refused(ask("\"n\":3"), "n");
        JsonNode body = Json.MAPPER.valueToTree(ChatCompletionsServlet.openAiError(e));
        assertEquals("invalid_request_error", body.at("/error/type").asText());
        assertEquals("n", body.at("/error/param").asText());
        assertEquals("invalid_request", body.at("/error/code").asText());
        assertTrue(body.at("/error/message").asText().contains("one choice"));
        JsonNode busy = Json.MAPPER.valueToTree(ChatCompletionsServlet.openAiError(
                new ApiException(429, "too_many_answers", "Wait.")));
        assertEquals(Json.MAPPER.readTree("{\"error\":{\"message\":\"Wait.\",\"type\":\"rate_limit_exceeded\","
                + "\"param\":null,\"code\":\"too_many_answers\"}}"), busy);
    }
}
