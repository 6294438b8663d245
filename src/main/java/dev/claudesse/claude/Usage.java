package dev.claudesse.claude;

/**
 * Token counts of one answer as Claude reports them. Claude's counts are cumulative:
 * a later report replaces an earlier one field by field, it is never added to it.
 */
public record Usage(long inputTokens, long outputTokens, long cacheCreationInputTokens,
                    long cacheCreation5mTokens, long cacheCreation1hTokens, long cacheReadInputTokens) {

    public static final Usage NONE = new Usage(0, 0, 0, 0, 0, 0);

    public boolean isKnown() {
        return inputTokens + outputTokens + cacheCreationInputTokens + cacheReadInputTokens > 0;
    }

    public Usage withOutputTokens(long output) {
        return new Usage(inputTokens, output, cacheCreationInputTokens, cacheCreation5mTokens,
                cacheCreation1hTokens, cacheReadInputTokens);
    }
}
