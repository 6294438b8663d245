package dev.claudesse.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Every setting of the streaming engine. defaultModel is null when not set: the model table then names
 * the default, read once at startup. docs/settings.md lists them; the names
 * are the same as environment variables, system properties and servlet context parameters.
 */
public record Settings(
        String apiKey,
        String baseUrl,
        boolean demoEnabled,
        Duration demoPace,
        String defaultModel,
        Set<String> allowedModels,
        int defaultMaxTokens,
        int maxTokensLimit,
        Duration pingInterval,
        long maxBodyBytes,
        int maxAnswersPerOwner,
        int maxAnswers,
        Duration replayRetention,
        long replayMaxBytes,
        Duration upstreamIdleTimeout,
        Duration cancelAfterDisconnect,
        Duration uiStopGrace,
        int maxAttachments,
        long maxAttachmentBytes,
        Path modelsFile,
        Path apiTokensFile,
        String node,
        Duration drainGrace,
        SettingsSource source) {

    /** What a node name may be: it starts every answer id of that node, and nginx's map matches it. */
    public static final Pattern NODE_NAME = Pattern.compile("[a-z0-9]{1,16}");

    public static Settings load(SettingsSource s) {
        long cancelSeconds = s.getLong("CLAUDE_SSE_CANCEL_AFTER_DISCONNECT_SECONDS", -1);
        // CLAUDE_SSE_PRICES_FILE is the older name; its price-only entries still read as undated prices
        String models = s.get("CLAUDE_SSE_MODELS_FILE", s.get("CLAUDE_SSE_PRICES_FILE"));
        String apiTokens = s.get("CLAUDE_SSE_API_TOKENS_FILE");
        return new Settings(
                s.get("ANTHROPIC_API_KEY"),
                s.get("ANTHROPIC_BASE_URL", "https://api.anthropic.com"),
                s.getBoolean("CLAUDE_SSE_DEMO", true),
                Duration.ofMillis(s.getLong("CLAUDE_SSE_DEMO_DELAY_MS", 40)),
                s.get("CLAUDE_SSE_DEFAULT_MODEL"),
                list(s.get("CLAUDE_SSE_ALLOWED_MODELS")),
                s.getInt("CLAUDE_SSE_MAX_TOKENS", 4096),
                s.getInt("CLAUDE_SSE_MAX_TOKENS_LIMIT", 64000),
                Duration.ofSeconds(positive(s, "CLAUDE_SSE_PING_SECONDS", 15)),
                positive(s, "CLAUDE_SSE_MAX_BODY_BYTES", 1_048_576),
                (int) positive(s, "CLAUDE_SSE_MAX_ANSWERS_PER_OWNER", 4),
                (int) positive(s, "CLAUDE_SSE_MAX_ANSWERS", 10_000),
                Duration.ofSeconds(positive(s, "CLAUDE_SSE_REPLAY_SECONDS", 600)),
                // an eighth of the heap: ended answers are a cache, the store has them too
                positive(s, "CLAUDE_SSE_REPLAY_MAX_BYTES", Runtime.getRuntime().maxMemory() / 8),
                Duration.ofSeconds(positive(s, "CLAUDE_SSE_UPSTREAM_IDLE_SECONDS", 60)),
                cancelSeconds < 0 ? null : Duration.ofSeconds(cancelSeconds),
                Duration.ofSeconds(positive(s, "CLAUDE_SSE_UI_STOP_GRACE_SECONDS", 3)),
                (int) positive(s, "CLAUDE_SSE_MAX_ATTACHMENTS", 10),
                // what fits in the default body limit once base64 has grown it by a third
                positive(s, "CLAUDE_SSE_MAX_ATTACHMENT_BYTES", 750_000),
                models == null ? null : Path.of(models),
                apiTokens == null ? null : Path.of(apiTokens),
                node(s.get("CLAUDE_SSE_NODE")),
                // how long a stopping node lets its running answers end before it ends the rest (0: at once)
                Duration.ofSeconds(notNegative(s, "CLAUDE_SSE_DRAIN_SECONDS", 30)),
                s);
    }

    /** CLAUDE_SSE_NODE: null when unset or blank (one node); else 1 to 16 lowercase letters and digits. */
    private static String node(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String name = value.trim();
        if (!NODE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("setting CLAUDE_SSE_NODE must be 1 to 16 lowercase letters and digits"
                    + " (such as n1), not \"" + name + "\"");
        }
        return name;
    }

    /**
     * A new answer's id: a random UUID, after "NODE-" when this node has a name, so that a proxy can send
     * the answer's resume and stop to the node that runs it (docs/scaling.md).
     */
    public String newMessageId() {
        String id = UUID.randomUUID().toString();
        return node == null ? id : node + "-" + id;
    }

    public boolean hasApiKey() {
        return apiKey != null;
    }

    private static long positive(SettingsSource s, String name, long fallback) {
        long value = s.getLong(name, fallback);
        if (value <= 0) {
            throw new IllegalArgumentException("setting " + name + " must be greater than zero");
        }
        return value;
    }

    private static long notNegative(SettingsSource s, String name, long fallback) {
        long value = s.getLong(name, fallback);
        if (value < 0) {
            throw new IllegalArgumentException("setting " + name + " must be 0 or more");
        }
        return value;
    }

    private static Set<String> list(String value) {
        if (value == null) {
            return Set.of();
        }
        return Arrays.stream(value.split(",")).map(String::trim).filter(v -> !v.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
    }

    /** Never prints the API key. */
    @Override
    public String toString() {
        return "Settings[upstream=" + (hasApiKey() ? baseUrl : demoEnabled ? "demo" : "none")
                + ", defaultModel=" + (defaultModel == null ? "(the model table's)" : defaultModel) + ", ping=" + pingInterval.toSeconds() + "s"
                + ", apiTokens=" + (apiTokensFile == null ? "off" : apiTokensFile)
                + (node == null ? "" : ", node=" + node) + "]";
    }
}
