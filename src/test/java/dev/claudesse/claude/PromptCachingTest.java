package dev.claudesse.claude;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.claudesse.models.ModelTable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Where the one prompt-cache breakpoint goes, and how the request's JSON carries it. */
class PromptCachingTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static ModelTable table;

    @BeforeAll
    static void load() throws Exception {
        table = ModelTable.load(JSON, null);
    }

    /** A conversation of pairs of the given sizes (characters), then a short new question. */
    static List<Message> conversation(int pairs, int answerChars) {
        List<Message> messages = new ArrayList<>();
        for (int i = 0; i < pairs; i++) {
            messages.add(new Message("user", "question " + i, List.of()));
            messages.add(new Message("assistant", "a".repeat(answerChars), List.of()));
        }
        messages.add(new Message("user", "the new question", List.of()));
        return messages;
    }

    static ClaudeRequest request(String model, String system, List<Message> messages) {
        return new ClaudeRequest(model, system, 1024, null, null, null, messages);
    }

    static JsonNode json(ClaudeRequest request) throws Exception {
        return JSON.readTree(request.toJson(JSON));
    }

    /** Every cache_control in the body, as paths. */
    static List<String> breakpoints(JsonNode body) {
        List<String> found = new ArrayList<>();
        if (body.has("cache_control")) {
            found.add("cache_control");
        }
        for (int i = 0; i < body.path("system").size(); i++) {
            if (body.path("system").get(i).has("cache_control")) {
                found.add("system." + i);
            }
        }
        JsonNode messages = body.path("messages");
        for (int m = 0; m < messages.size(); m++) {
            JsonNode content = messages.get(m).path("content");
            for (int b = 0; b < content.size(); b++) {
                if (content.get(b).has("cache_control")) {
                    found.add("messages." + m + ".content." + b);
                }
            }
        }
        return found;
    }

    @Test
    void theModelTableKnowsEachModelsMinimumAndFallsBackForTheOthers() {
        assertEquals(512, table.minCacheTokens("claude-sonnet-5-5"));
        assertEquals(512, table.minCacheTokens("claude-opus-5-5-20260923"), "a dated id");
        assertEquals(1024, table.minCacheTokens("claude-sonnet-5"));
        assertEquals(2048, table.minCacheTokens("claude-opus-4-7"));
        assertEquals(4096, table.minCacheTokens("claude-haiku-4-5"));
        assertEquals(1024, table.minCacheTokens("claude-fable-5-2"), "not documented yet: the table's fallback");
        assertEquals(1024, table.minCacheTokens("my-odd-model"));
    }

    @Test
    void aLongHistoryIsMarkedOnTheLastBlockOfTheAnswerBeforeTheQuestion() throws Exception {
        // Sonnet 5.5 caches from 512 tokens: 2,048 characters and more
        PromptCaching caching = new PromptCaching(true, table);
        ClaudeRequest marked = caching.apply(request("claude-sonnet-5-5", null, conversation(2, 1100)));
        JsonNode body = json(marked);

        assertEquals(List.of("messages.3.content.0"), breakpoints(body));
        JsonNode answer = body.path("messages").get(3);
        assertEquals("assistant", answer.path("role").asText());
        assertEquals("text", answer.path("content").get(0).path("type").asText());
        assertEquals("a".repeat(1100), answer.path("content").get(0).path("text").asText());
        assertEquals("ephemeral", answer.path("content").get(0).path("cache_control").path("type").asText());
        assertFalse(answer.path("content").get(0).path("cache_control").has("ttl"), "the default 5 minutes");
        assertTrue(body.path("messages").get(4).path("content").isTextual(), "the new question stays plain");
        assertTrue(body.path("messages").get(1).path("content").isTextual(), "so do the other earlier turns");
    }

    @Test
    void aShortHistoryOrTheSettingOffSendsNoBreakpoint() throws Exception {
        PromptCaching on = new PromptCaching(true, table);
        List<Message> justShort = conversation(1, 2000); // ("question 0" + 2000) / 4 = 502 tokens < 512
        assertNull(on.apply(request("claude-sonnet-5-5", null, justShort)).cache());
        assertEquals(List.of(), breakpoints(json(on.apply(request("claude-sonnet-5-5", null, justShort)))));
        List<Message> justLongEnough = conversation(1, 2040); // 512 tokens
        assertEquals(ClaudeRequest.CacheBreakpoint.onMessage(1),
                on.apply(request("claude-sonnet-5-5", null, justLongEnough)).cache());
        assertNull(on.apply(request("claude-haiku-4-5", null, conversation(3, 4000))).cache(),
                "3,000 tokens are below Haiku 4.5's 4,096");

        PromptCaching off = new PromptCaching(false, table);
        ClaudeRequest plain = request("claude-sonnet-5-5", null, conversation(20, 5000));
        assertSame(plain, off.apply(plain));
        assertEquals(List.of(), breakpoints(json(plain)));
    }

    @Test
    void theSystemPromptCountsTowardsThePrefixAndIsMarkedWhenItIsAllThereIs() throws Exception {
        PromptCaching caching = new PromptCaching(true, table);
        String system = "s".repeat(2048);
        JsonNode first = json(caching.apply(request("claude-sonnet-5-5", system, conversation(0, 0))));
        assertEquals(List.of("system.0"), breakpoints(first));
        assertEquals(system, first.path("system").get(0).path("text").asText());

        JsonNode second = json(caching.apply(request("claude-sonnet-5-5", system, conversation(1, 10))));
        assertEquals(List.of("messages.1.content.0"), breakpoints(second), "one breakpoint: after the history");
        assertTrue(second.path("system").isTextual(), "the system prompt stays a string then");

        assertEquals(List.of(), breakpoints(json(caching.apply(request("claude-sonnet-5-5", "be brief", conversation(0, 0))))));
    }

    @Test
    void withFilesTheBreakpointGoesOnTheLastBlock() throws Exception {
        Attachment image = new Attachment("image/png", null, "https://example.com/cat.png");
        List<Message> messages = List.of(
                new Message("user", "x".repeat(3000), List.of()),
                new Message("assistant", "ok", List.of()),
                new Message("user", "what about this one?", List.of(image)),
                new Message("assistant", "a cat", List.of()),
                new Message("user", "and now?", List.of()));
        // the last earlier message is the answer: its text block; the earlier file stays as it was
        JsonNode marked = json(new PromptCaching(true, table).apply(request("claude-sonnet-5-5", null, messages)));
        assertEquals(List.of("messages.3.content.0"), breakpoints(marked));
        assertEquals("image", marked.path("messages").get(2).path("content").get(0).path("type").asText());

        ClaudeRequest onFiles = request("claude-sonnet-5-5", null, List.of(
                new Message("user", "y".repeat(3000), List.of()),
                new Message("assistant", "z", List.of()),
                new Message("user", "", List.of(image, image)),
                new Message("user", "next", List.of()))).withCache(ClaudeRequest.CacheBreakpoint.onMessage(2));
        assertEquals(List.of("messages.2.content.1"), breakpoints(json(onFiles)), "a message of files alone: its last file");
        ClaudeRequest fileAndText = request("claude-sonnet-5-5", null, List.of(
                new Message("user", "look", List.of(image)), new Message("user", "next", List.of())))
                .withCache(ClaudeRequest.CacheBreakpoint.onMessage(0));
        assertEquals(List.of("messages.0.content.1"), breakpoints(json(fileAndText)), "files first, then the text: the text");
    }

    @Test
    void aBlankMessageIsNeverMarked() throws Exception {
        List<Message> messages = List.of(new Message("user", "q".repeat(4000), List.of()),
                new Message("assistant", "   ", List.of()), new Message("user", "again", List.of()));
        assertNull(new PromptCaching(true, table).apply(request("claude-sonnet-5-5", null, messages)).cache());
        JsonNode forced = json(request("claude-sonnet-5-5", null, messages).withCache(ClaudeRequest.CacheBreakpoint.onMessage(1)));
        assertEquals(List.of(), breakpoints(forced));
        assertTrue(forced.path("messages").get(1).path("content").isTextual());
    }
}
