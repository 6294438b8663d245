package dev.claudesse.fake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What today's Claude (2026-11-30) refuses in a {@code POST /v1/messages} body, so that tests see the
 * product send only what Claude takes. The fake keeps its own small table on purpose: checking the
 * product against a copy of the product's own model table would prove nothing. Model ids not in the
 * table are let through, since tests use made-up ids.
 */
final class RequestRules {

    /** Claude's answer to a request it will not run. */
    record Refusal(int status, String type, String message) {

        static Refusal invalid(String message) {
            return new Refusal(400, "invalid_request_error", message);
        }
    }

    /**
     * What one model takes.
     *
     * @param thinking      the thinking.type values it accepts
     * @param fixedSampling true when temperature, top_p and top_k must stay at their defaults
     * @param efforts       the output_config.effort levels it accepts; empty when it refuses effort
     */
    private record Spec(int maxTokens, Set<String> thinking, boolean fixedSampling, Set<String> efforts) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final List<String> LEVELS = List.of("low", "medium", "high", "xhigh", "max");
    private static final Set<String> ALL_LEVELS = Set.copyOf(LEVELS);
    private static final Set<String> NO_XHIGH = Set.of("low", "medium", "high", "max");
    private static final Set<String> UP_TO_HIGH = Set.of("low", "medium", "high");
    private static final Set<String> NO_EFFORT = Set.of();

    private static final Set<String> ADAPTIVE = Set.of("adaptive");
    private static final Set<String> ADAPTIVE_OR_OFF = Set.of("adaptive", "disabled");
    private static final Set<String> ANY_THINKING = Set.of("adaptive", "enabled", "disabled");
    private static final Set<String> BUDGET_OR_OFF = Set.of("enabled", "disabled");
    private static final Set<String> NO_THINKING = Set.of("disabled");

    /** Always-on thinking (no disabled), sampling fixed: Fable and Mythos 5.x, Opus 5.5. */
    private static final Spec ALWAYS_THINKING = new Spec(128_000, ADAPTIVE, true, ALL_LEVELS);
    /** Adaptive or off, sampling fixed: Opus 4.7 and later, Sonnet 5.x, Haiku 5.5. */
    private static final Spec ADAPTIVE_ERA = new Spec(128_000, ADAPTIVE_OR_OFF, true, ALL_LEVELS);
    /** Opus 4.6 and Sonnet 4.6: every thinking shape, free sampling, no xhigh. */
    private static final Spec FOUR_SIX = new Spec(128_000, ANY_THINKING, false, NO_XHIGH);
    /** Budget thinking only, no effort: Sonnet 4.5, Haiku 4.5 and the retired Claude 4 models. */
    private static final Spec BUDGET_64K = new Spec(64_000, BUDGET_OR_OFF, false, NO_EFFORT);
    private static final Spec BUDGET_32K = new Spec(32_000, BUDGET_OR_OFF, false, NO_EFFORT);

    /** Keyed by id without its -YYYYMMDD date (see {@link #canonical}). */
    private static final Map<String, Spec> SPECS = Map.ofEntries(
            Map.entry("claude-fable-5-2", ALWAYS_THINKING),
            Map.entry("claude-fable-5-1", ALWAYS_THINKING),
            Map.entry("claude-fable-5", ALWAYS_THINKING),
            Map.entry("claude-mythos-5-2", ALWAYS_THINKING),
            Map.entry("claude-mythos-5-1", ALWAYS_THINKING),
            Map.entry("claude-mythos-5", ALWAYS_THINKING),
            Map.entry("claude-opus-5-5", ALWAYS_THINKING),
            Map.entry("claude-opus-5", ADAPTIVE_ERA),
            Map.entry("claude-opus-4-8", ADAPTIVE_ERA),
            Map.entry("claude-opus-4-7", ADAPTIVE_ERA),
            Map.entry("claude-sonnet-5-5", ADAPTIVE_ERA),
            Map.entry("claude-sonnet-5", ADAPTIVE_ERA),
            Map.entry("claude-haiku-5-5", ADAPTIVE_ERA),
            Map.entry("claude-opus-4-6", FOUR_SIX),
            Map.entry("claude-sonnet-4-6", FOUR_SIX),
            Map.entry("claude-opus-4-5", new Spec(64_000, BUDGET_OR_OFF, false, UP_TO_HIGH)),
            Map.entry("claude-sonnet-4-5", BUDGET_64K),
            Map.entry("claude-haiku-4-5", BUDGET_64K),
            Map.entry("claude-sonnet-4", BUDGET_64K),
            Map.entry("claude-opus-4", BUDGET_32K),
            Map.entry("claude-opus-4-1", BUDGET_32K),
            Map.entry("claude-3-7-sonnet", BUDGET_64K),
            Map.entry("claude-3-5-sonnet", new Spec(8_192, NO_THINKING, false, NO_EFFORT)),
            Map.entry("claude-3-5-haiku", new Spec(8_192, NO_THINKING, false, NO_EFFORT)),
            Map.entry("claude-3-opus", new Spec(4_096, NO_THINKING, false, NO_EFFORT)),
            Map.entry("claude-3-haiku", new Spec(4_096, NO_THINKING, false, NO_EFFORT)));

    /** Retired on the Claude API as of 2026-11-30; Sonnet 4.5 retires on that very day. */
    private static final Set<String> RETIRED = Set.of("claude-sonnet-4-5", "claude-sonnet-4", "claude-opus-4",
            "claude-opus-4-1", "claude-3-7-sonnet", "claude-3-5-sonnet", "claude-3-5-haiku", "claude-3-opus",
            "claude-3-haiku", "claude-3-sonnet", "claude-mythos-preview");

    private static final Map<String, String> ALIASES = Map.of(
            "claude-sonnet-4-0", "claude-sonnet-4",
            "claude-4-sonnet", "claude-sonnet-4",
            "claude-opus-4-0", "claude-opus-4",
            "claude-4-opus", "claude-opus-4");

    private RequestRules() {
    }

    /** The refusal Claude would answer to this body, or empty when Claude would run it. */
    static Optional<Refusal> check(String body, boolean strictModels) {
        JsonNode request;
        try {
            request = JSON.readTree(body);
        } catch (IOException e) {
            return Optional.of(Refusal.invalid("There was an error parsing the body: it is not valid JSON"));
        }
        if (request == null || !request.isObject()) {
            return Optional.of(Refusal.invalid("The request body must be a JSON object"));
        }
        JsonNode model = request.path("model");
        if (strictModels && !model.isTextual()) {
            return Optional.of(Refusal.invalid("model: Field required"));
        }
        String id = canonical(model.asText(""));
        if (strictModels && RETIRED.contains(id)) {
            return Optional.of(new Refusal(404, "not_found_error", "model: " + model.asText()));
        }
        Spec spec = SPECS.get(id);
        return firstOf(
                maxTokens(request.path("max_tokens"), spec, model.asText()),
                thinking(request, spec),
                sampling(request, spec),
                effort(request, spec, id),
                cacheControl(request));
    }

    /** Most cache_control breakpoints one request may carry, the top-level (automatic) one included. */
    static final int MAX_BREAKPOINTS = 4;
    /** Blocks that may not carry cache_control. */
    private static final Set<String> UNCACHEABLE = Set.of("thinking", "redacted_thinking");

    /**
     * Claude's rules for prompt-cache breakpoints: at most four in all (tools, system blocks, message blocks,
     * and the top-level cache_control of automatic caching), each {"type": "ephemeral"} with a ttl of 5m or 1h,
     * never on thinking blocks nor on an empty text block, and 1-hour ones before any 5-minute one.
     */
    private static Optional<Refusal> cacheControl(JsonNode request) {
        List<Map.Entry<String, JsonNode>> marks = new java.util.ArrayList<>();
        JsonNode top = request.path("cache_control");
        for (JsonNode tool : request.path("tools")) {
            collect(marks, "tools", tool);
        }
        JsonNode system = request.path("system");
        if (system.isArray()) {
            for (int i = 0; i < system.size(); i++) {
                collect(marks, "system." + i, system.get(i));
            }
        }
        JsonNode messages = request.path("messages");
        for (int m = 0; m < messages.size(); m++) {
            JsonNode content = messages.get(m).path("content");
            for (int b = 0; content.isArray() && b < content.size(); b++) {
                JsonNode block = content.get(b);
                String where = "messages." + m + ".content." + b;
                if (block.has("cache_control") && UNCACHEABLE.contains(block.path("type").asText())) {
                    return Optional.of(Refusal.invalid(where + ".cache_control: cache_control cannot be set on "
                            + block.path("type").asText() + " blocks"));
                }
                if (block.has("cache_control") && block.path("type").asText().equals("text")
                        && block.path("text").asText().isEmpty()) {
                    return Optional.of(Refusal.invalid(where + ".text: cache_control cannot be set for empty text blocks"));
                }
                collect(marks, where, block);
                for (JsonNode inner : block.path("content")) { // a tool_result's own blocks
                    collect(marks, where + ".content", inner);
                }
            }
        }
        int count = marks.size() + (top.isMissingNode() || top.isNull() ? 0 : 1);
        if (count > MAX_BREAKPOINTS) {
            return Optional.of(Refusal.invalid("A maximum of " + MAX_BREAKPOINTS + " blocks with cache_control may be "
                    + "provided. Found " + count + "."));
        }
        if (!top.isMissingNode() && !top.isNull()) {
            marks.add(Map.entry("cache_control", top));
        }
        boolean fiveMinutesSeen = false;
        for (Map.Entry<String, JsonNode> mark : marks) {
            JsonNode value = mark.getValue();
            if (!value.isObject() || !value.path("type").asText().equals("ephemeral")) {
                return Optional.of(Refusal.invalid(mark.getKey() + ".cache_control.type: Input should be 'ephemeral'"));
            }
            String ttl = value.path("ttl").asText("5m");
            if (!ttl.equals("5m") && !ttl.equals("1h")) {
                return Optional.of(Refusal.invalid(mark.getKey() + ".cache_control.ttl: Input should be '5m' or '1h'"));
            }
            if (ttl.equals("1h") && fiveMinutesSeen) {
                return Optional.of(Refusal.invalid("a ttl='1h' cache_control block must not come after a ttl='5m' "
                        + "cache_control block"));
            }
            fiveMinutesSeen |= ttl.equals("5m");
        }
        return Optional.empty();
    }

    private static void collect(List<Map.Entry<String, JsonNode>> marks, String where, JsonNode block) {
        JsonNode mark = block.path("cache_control");
        if (!mark.isMissingNode() && !mark.isNull()) {
            marks.add(Map.entry(where, mark));
        }
    }

    /** Without the -YYYYMMDD date or -latest, and with old alias names resolved. */
    static String canonical(String model) {
        String id = model.replaceFirst("-(\\d{8}|latest)$", "");
        return ALIASES.getOrDefault(id, id);
    }

    private static Optional<Refusal> maxTokens(JsonNode value, Spec spec, String model) {
        if (!value.isNumber()) {
            return Optional.empty();
        }
        long tokens = value.asLong();
        if (tokens < 1) {
            return Optional.of(Refusal.invalid("max_tokens: Input should be greater than or equal to 1"));
        }
        if (spec != null && tokens > spec.maxTokens()) {
            return Optional.of(Refusal.invalid("max_tokens: " + tokens + " > " + spec.maxTokens()
                    + ", which is the maximum allowed number of output tokens for " + model));
        }
        return Optional.empty();
    }

    private static Optional<Refusal> thinking(JsonNode request, Spec spec) {
        JsonNode thinking = request.path("thinking");
        if (thinking.isMissingNode() || thinking.isNull()) {
            return Optional.empty();
        }
        String type = thinking.path("type").asText("");
        if (!ANY_THINKING.contains(type)) {
            return Optional.of(Refusal.invalid("thinking.type: Input tag '" + type
                    + "' found using 'type' does not match any of the expected tags: 'enabled', 'disabled', 'adaptive'"));
        }
        JsonNode display = thinking.path("display");
        if (!display.isMissingNode() && !Set.of("summarized", "omitted").contains(display.asText())) {
            return Optional.of(Refusal.invalid("thinking.display: Input should be 'summarized' or 'omitted'"));
        }
        if (spec != null && !spec.thinking().contains(type)) {
            return Optional.of(Refusal.invalid(unsupportedThinking(type, spec)));
        }
        if (type.equals("enabled")) {
            return budget(thinking.path("budget_tokens"), request.path("max_tokens"));
        }
        return Optional.empty();
    }

    /** Claude's words for each refused shape point at the shape the model does take. */
    private static String unsupportedThinking(String type, Spec spec) {
        return switch (type) {
            case "enabled" -> spec.thinking().contains("adaptive")
                    ? "thinking.type.enabled is not supported for this model. Use thinking.type.adaptive and "
                      + "output_config.effort to control thinking behavior."
                    : "thinking is not supported for this model.";
            case "adaptive" -> spec.thinking().contains("enabled")
                    ? "thinking.type.adaptive is not supported for this model. Use thinking.type.enabled with "
                      + "thinking.budget_tokens instead."
                    : "thinking is not supported for this model.";
            default -> "thinking.type.disabled is not supported for this model: thinking is always on. "
                       + "Use output_config.effort to control thinking behavior.";
        };
    }

    private static Optional<Refusal> budget(JsonNode budget, JsonNode maxTokens) {
        if (!budget.isNumber()) {
            return Optional.of(Refusal.invalid("thinking.enabled.budget_tokens: Field required"));
        }
        if (budget.asLong() < 1024) {
            return Optional.of(Refusal.invalid(
                    "thinking.enabled.budget_tokens: Input should be greater than or equal to 1024"));
        }
        if (maxTokens.isNumber() && maxTokens.asLong() <= budget.asLong()) {
            return Optional.of(Refusal.invalid("`max_tokens` must be greater than `thinking.budget_tokens`."));
        }
        return Optional.empty();
    }

    private static Optional<Refusal> sampling(JsonNode request, Spec spec) {
        JsonNode temperature = request.path("temperature");
        if (temperature.isNumber() && (temperature.asDouble() < 0 || temperature.asDouble() > 1)) {
            return Optional.of(Refusal.invalid("temperature: Input should be between 0 and 1"));
        }
        String thinking = request.path("thinking").path("type").asText("disabled");
        if (temperature.isNumber() && temperature.asDouble() != 1.0 && !thinking.equals("disabled")) {
            return Optional.of(Refusal.invalid("`temperature` may only be set to 1 when thinking is enabled."));
        }
        if (spec == null || !spec.fixedSampling()) {
            return Optional.empty();
        }
        // 1 is the default of temperature and top_p; top_k has no neutral value, so any top_k is a change.
        for (String name : List.of("temperature", "top_p", "top_k")) {
            JsonNode value = request.path(name);
            boolean set = !value.isMissingNode() && !value.isNull();
            if (set && (name.equals("top_k") || value.asDouble() != 1.0)) {
                return Optional.of(Refusal.invalid(name + " is not supported for this model. Leave temperature, "
                        + "top_p and top_k at their defaults; use output_config.effort to steer the answer."));
            }
        }
        return Optional.empty();
    }

    private static Optional<Refusal> effort(JsonNode request, Spec spec, String id) {
        JsonNode effort = request.path("output_config").path("effort");
        if (effort.isMissingNode() || effort.isNull()) {
            return Optional.empty();
        }
        String level = effort.asText();
        if (!ALL_LEVELS.contains(level)) {
            return Optional.of(Refusal.invalid(
                    "output_config.effort: Input should be 'low', 'medium', 'high', 'xhigh' or 'max'"));
        }
        if (spec == null) {
            return Optional.empty();
        }
        if (spec.efforts().isEmpty()) {
            return Optional.of(Refusal.invalid("output_config.effort: effort is not supported for this model."));
        }
        if (!spec.efforts().contains(level)) {
            return Optional.of(Refusal.invalid("output_config.effort: '" + level + "' is not supported for this model. "
                    + "Supported levels: " + LEVELS.stream().filter(spec.efforts()::contains).toList() + "."));
        }
        // Opus 5 may turn thinking off only at effort high or below.
        boolean off = "disabled".equals(request.path("thinking").path("type").asText());
        if (id.equals("claude-opus-5") && off && (level.equals("xhigh") || level.equals("max"))) {
            return Optional.of(Refusal.invalid("thinking.type.disabled requires output_config.effort of high or "
                    + "lower on this model."));
        }
        return Optional.empty();
    }

    @SafeVarargs
    private static Optional<Refusal> firstOf(Optional<Refusal>... checks) {
        for (Optional<Refusal> check : checks) {
            if (check.isPresent()) {
                return check;
            }
        }
        return Optional.empty();
    }
}
