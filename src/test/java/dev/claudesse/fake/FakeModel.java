package dev.claudesse.fake;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One entry of the fake's {@code GET /v1/models} list (Claude's ModelInfo, without capabilities).
 *
 * @param lifecycle  "active", "deprecated" or "retired"; retired models stay listed, as on Claude
 * @param deprecatedAt null when never deprecated
 * @param retiresAt  null when no date is set; a past date on a deprecated model means retirement is overdue
 */
public record FakeModel(String id, String displayName, String lifecycle, Instant deprecatedAt, Instant retiresAt,
                        long maxInputTokens, long maxTokens, Instant createdAt) {

    private static final Set<String> LIFECYCLES = Set.of("active", "deprecated", "retired");

    /** The list the fake serves until a test sets another: newest first, as Claude orders it. */
    public static final List<FakeModel> DEFAULTS = List.of(
            active("claude-fable-5-2", "Claude Fable 5.2", "2026-11-09T00:00:00Z"),
            active("claude-haiku-5-5", "Claude Haiku 5.5", "2026-10-07T00:00:00Z"),
            active("claude-sonnet-5-5", "Claude Sonnet 5.5", "2026-09-29T00:00:00Z"),
            active("claude-opus-5-5", "Claude Opus 5.5", "2026-09-23T00:00:00Z"),
            // The deprecation day is made up (the facts give none); retirement is Claude's published date.
            new FakeModel("claude-sonnet-4-5-20250929", "Claude Sonnet 4.5", "deprecated",
                    Instant.parse("2026-08-31T00:00:00Z"), Instant.parse("2026-11-30T00:00:00Z"), 200_000, 64_000,
                    Instant.parse("2025-09-29T00:00:00Z")));

    public FakeModel {
        Objects.requireNonNull(id, "id");
        if (!LIFECYCLES.contains(lifecycle)) {
            throw new IllegalArgumentException("lifecycle must be active, deprecated or retired, not " + lifecycle);
        }
        if (createdAt == null) {
            createdAt = Instant.parse("2026-01-01T00:00:00Z"); // created_at is never null on Claude
        }
    }

    /** Without a creation time (the list's order, not created_at, is what clients page by). */
    public FakeModel(String id, String displayName, String lifecycle, Instant deprecatedAt, Instant retiresAt,
                     long maxInputTokens, long maxTokens) {
        this(id, displayName, lifecycle, deprecatedAt, retiresAt, maxInputTokens, maxTokens, null);
    }

    /** An active model with today's usual limits: 1M context, 128K output. */
    public static FakeModel active(String id, String displayName, String createdAt) {
        return new FakeModel(id, displayName, "active", null, null, 1_000_000, 128_000, Instant.parse(createdAt));
    }
}
