package dev.claudesse.claude;

import dev.claudesse.config.SettingsSource;
import dev.claudesse.models.ModelTable;

import java.util.List;

/**
 * Automatic prompt caching for the conversations the product itself builds (api/chat from the store,
 * api/ui/chat from useChat's messages). Each turn sends the whole conversation again, so the request marks
 * the end of what the next turn will send unchanged: the last block of the last earlier message (the answer
 * before the new question). Claude then caches the prefix up to there (tools, system, history) for five
 * minutes, and the next turn, whose own breakpoint lies further on, reads it back from the cache and writes
 * only what was added since. One breakpoint (Claude allows four), and only when the prefix is long enough
 * for the model to cache at all (its minimum cacheable length, from the model table); tokens are estimated
 * as everywhere in the product, four characters each, files not counted. With no earlier messages, a system
 * prompt that is long enough by itself is marked instead, so that the second turn reads it.
 *
 * <p>Not for the Messages API dialect (its client places its own cache_control, and its body goes to Claude
 * as sent) nor for OpenAI's Chat Completions: there the prefix is the client's, and OpenAI's own caching
 * costs nothing to write, so its clients freely send prefixes that never come back (a date or retrieved
 * documents in the system message, a history rebuilt each call); here each of those would pay a quarter
 * more for its whole prefix and read nothing. The product's own prefixes are stable by construction: the
 * store's history, or useChat's messages, which only change at their end (docs/performance.md).
 */
public final class PromptCaching {

    /** Claude counts about four characters of text per token (as the history budget does). */
    public static final int CHARS_PER_TOKEN = 4;

    private final boolean enabled;
    private final ModelTable models;

    public PromptCaching(boolean enabled, ModelTable models) {
        this.enabled = enabled;
        this.models = models;
    }

    /** CLAUDE_SSE_PROMPT_CACHING, on unless set to false. */
    public static PromptCaching from(SettingsSource settings, ModelTable models) {
        return new PromptCaching(settings.getBoolean("CLAUDE_SSE_PROMPT_CACHING", true), models);
    }

    public boolean enabled() {
        return enabled;
    }

    /**
     * The request with its breakpoint, or as it is when caching is off or the prefix is too short. The last
     * message is the new question; every message before it is history.
     */
    public ClaudeRequest apply(ClaudeRequest request) {
        if (!enabled || request.messages().isEmpty()) {
            return request;
        }
        return request.withCache(breakpoint(request.system(), request.messages(),
                models.minCacheTokens(request.model())));
    }

    /** Where the breakpoint goes for this system prompt and these messages; null for none. */
    static ClaudeRequest.CacheBreakpoint breakpoint(String system, List<Message> messages, int minTokens) {
        long chars = system == null ? 0 : system.length();
        int lastEarlier = messages.size() - 2;
        if (lastEarlier < 0) {
            return chars / CHARS_PER_TOKEN >= minTokens ? ClaudeRequest.CacheBreakpoint.SYSTEM : null;
        }
        for (int i = 0; i <= lastEarlier; i++) {
            chars += messages.get(i).text().length();
        }
        Message last = messages.get(lastEarlier);
        boolean markable = !last.text().isBlank() || !last.attachments().isEmpty();
        return markable && chars / CHARS_PER_TOKEN >= minTokens ? ClaudeRequest.CacheBreakpoint.onMessage(lastEarlier)
                : null;
    }
}
