package dev.claudesse.claude;

import java.util.List;

/**
 * Token counts of one answer as Claude reports them. Claude's counts are cumulative: a later report
 * replaces an earlier one field by field, it is never added to it. thinkingTokens is the part of the
 * output that was thinking (already inside outputTokens). speed ("fast") and inferenceGeo ("us") change
 * the rates; null when Claude did not say. iterations, when Claude reports them, are the separate
 * sampling passes (compaction, an advisor model) that make up the answer, each billed on its own.
 */
public record Usage(long inputTokens, long outputTokens, long cacheCreationInputTokens,
                    long cacheCreation5mTokens, long cacheCreation1hTokens, long cacheReadInputTokens,
                    long thinkingTokens, String speed, String inferenceGeo, List<Iteration> iterations) {

    public static final Usage NONE = new Usage(0, 0, 0, 0, 0, 0);

    /** One sampling pass; model is null when it is the answer's own model. */
    public record Iteration(String type, String model, Usage usage) {
    }

    public Usage {
        iterations = iterations == null ? List.of() : List.copyOf(iterations);
    }

    public Usage(long inputTokens, long outputTokens, long cacheCreationInputTokens, long cacheCreation5mTokens,
                 long cacheCreation1hTokens, long cacheReadInputTokens) {
        this(inputTokens, outputTokens, cacheCreationInputTokens, cacheCreation5mTokens, cacheCreation1hTokens,
                cacheReadInputTokens, 0, null, null, List.of());
    }

    public boolean isKnown() {
        return inputTokens + outputTokens + cacheCreationInputTokens + cacheReadInputTokens > 0 || !iterations.isEmpty();
    }

    /** The prompt's size as the prompt-length price tiers count it: input, cache writes and cache reads. */
    public long promptTokens() {
        return inputTokens + Math.max(cacheCreationInputTokens, cacheCreation5mTokens + cacheCreation1hTokens)
                + cacheReadInputTokens;
    }

    public Usage withOutputTokens(long output) {
        return new Usage(inputTokens, output, cacheCreationInputTokens, cacheCreation5mTokens,
                cacheCreation1hTokens, cacheReadInputTokens, thinkingTokens, speed, inferenceGeo, iterations);
    }
}
