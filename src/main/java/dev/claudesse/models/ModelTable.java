package dev.claudesse.models;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.claudesse.claude.Usage;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Claude's models as the app knows them, shipped as {@code models.json} and overridable from a file of
 * the same shape (CLAUDE_SSE_MODELS_FILE): a model named there replaces the shipped entry's fields it
 * gives, or is added. A change of Claude's line-up is an edit of that data, not of code.
 */
public final class ModelTable {

    private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);
    private static final Pattern DATE_SUFFIX = Pattern.compile("-\\d{8}$");
    private static final Set<String> RATE_FIELDS = Set.of("input", "output", "cacheWrite5m", "cacheWrite1h", "cacheRead");
    /** The shortest cacheable prefix of a model the table gives none for, unless the table's own fallback says. */
    static final int DEFAULT_MIN_CACHE_TOKENS = 1024;

    private final Map<String, ModelSpec> models;
    private final Map<String, String> aliases;
    private final String defaultModel;
    private final Map<String, BigDecimal> speedMultipliers;
    private final Map<String, BigDecimal> geoMultipliers;
    private final int minCacheTokensFallback;

    ModelTable(Map<String, ModelSpec> models, Map<String, String> aliases, String defaultModel,
               Map<String, BigDecimal> speedMultipliers, Map<String, BigDecimal> geoMultipliers,
               int minCacheTokensFallback) {
        this.models = Collections.unmodifiableMap(models);
        this.aliases = Map.copyOf(aliases);
        this.defaultModel = defaultModel;
        this.speedMultipliers = Map.copyOf(speedMultipliers);
        this.geoMultipliers = Map.copyOf(geoMultipliers);
        this.minCacheTokensFallback = minCacheTokensFallback;
    }

    /** The shipped table, with the override file merged over it when one is given. */
    public static ModelTable load(ObjectMapper json, Path overrideFile) throws IOException {
        ObjectNode root;
        try (InputStream in = ModelTable.class.getResourceAsStream("models.json")) {
            if (in == null) {
                throw new IOException("models.json is missing from the WAR");
            }
            root = (ObjectNode) json.readTree(in);
        }
        if (overrideFile != null) {
            JsonNode override;
            try {
                override = json.readTree(Files.readAllBytes(overrideFile));
            } catch (IOException e) {
                throw new IOException("the model table " + overrideFile + " is not readable JSON: " + e.getMessage(), e);
            }
            merge(root, override, overrideFile);
        }
        return parse(root);
    }

    /** Top-level fields replace the shipped ones; each model's fields replace that model's, field by field. */
    private static void merge(ObjectNode shipped, JsonNode override, Path file) throws IOException {
        if (!override.isObject()) {
            throw new IOException("the model table " + file + " must be a JSON object");
        }
        for (Map.Entry<String, JsonNode> field : override.properties()) {
            if (!field.getKey().equals("models")) {
                shipped.set(field.getKey(), field.getValue());
                continue;
            }
            if (!field.getValue().isObject()) {
                throw new IOException("\"models\" in " + file + " must be an object");
            }
            ObjectNode models = (ObjectNode) shipped.get("models");
            for (Map.Entry<String, JsonNode> model : field.getValue().properties()) {
                JsonNode entry = olderPriceShape(model.getValue());
                JsonNode base = models.get(model.getKey());
                if (base instanceof ObjectNode known && entry.isObject()) {
                    known.setAll((ObjectNode) entry);
                } else {
                    models.set(model.getKey(), entry);
                }
            }
        }
    }

    /** An entry of the older price-only file ({"input": .., "output": ..}) becomes one undated price. */
    private static JsonNode olderPriceShape(JsonNode entry) {
        if (!entry.isObject() || !entry.has("input") || entry.has("prices")) {
            return entry;
        }
        ObjectNode copy = ((ObjectNode) entry).deepCopy();
        ObjectNode period = copy.putArray("prices").addObject().put("from", "2000-01-01");
        for (String rate : RATE_FIELDS) {
            if (copy.has(rate)) {
                period.set(rate, copy.remove(rate));
            }
        }
        return copy;
    }

    private static ModelTable parse(JsonNode root) throws IOException {
        JsonNode entries = root.path("models");
        if (!entries.isObject()) {
            throw new IOException("a model table needs an object \"models\"");
        }
        Map<String, ModelSpec> models = new LinkedHashMap<>();
        Map<String, String> aliases = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : entries.properties()) {
            models.put(e.getKey(), model(e.getKey(), e.getValue()));
            for (String alias : strings(e.getValue(), "aliases", List.of(), "model " + e.getKey())) {
                aliases.put(alias, e.getKey());
            }
        }
        String defaultModel = root.path("defaultModel").asText(null);
        if (defaultModel == null || !models.containsKey(defaultModel)) {
            throw new IOException("the model table's \"defaultModel\" must name one of its models");
        }
        JsonNode multipliers = root.path("multipliers");
        Long fallback = count(root.path("minCacheTokens"), "fallback", "the table's minCacheTokens");
        return new ModelTable(models, aliases, defaultModel, factors(multipliers.path("speed"), "speed"),
                factors(multipliers.path("inferenceGeo"), "inferenceGeo"),
                fallback == null ? DEFAULT_MIN_CACHE_TOKENS : fallback.intValue());
    }

    private static ModelSpec model(String id, JsonNode m) throws IOException {
        String where = "model " + id;
        if (!m.isObject()) {
            throw new IOException(where + " must be an object");
        }
        Lifecycle lifecycle = new Lifecycle(stage(m.path("lifecycle").asText("active"), where),
                date(m.path("deprecatedOn"), where + " deprecatedOn"), date(m.path("retiresOn"), where + " retiresOn"),
                m.path("replacement").asText(null));
        Set<ThinkingShape> thinking = EnumSet.noneOf(ThinkingShape.class);
        for (String shape : strings(m, "thinking", List.of("enabled", "disabled"), where)) {
            try {
                thinking.add(ThinkingShape.valueOf(shape.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new IOException(where + ": unknown thinking shape \"" + shape + "\" (adaptive, enabled, disabled)");
            }
        }
        List<PricePeriod> prices = new ArrayList<>();
        for (JsonNode period : m.path("prices")) {
            prices.add(period(period, where));
        }
        prices.sort((a, b) -> a.from().compareTo(b.from()));
        return new ModelSpec(id, m.path("displayName").asText(id), lifecycle, count(m, "contextWindow", where),
                count(m, "maxOutputTokens", where) == null ? null : count(m, "maxOutputTokens", where).intValue(),
                thinking, m.path("thinkingDisplay").asText(null), m.path("sampling").asBoolean(true),
                strings(m, "effort", List.of(), where), factors(m.path("speedMultipliers"), where + " speed"), prices,
                count(m, "minCacheTokens", where) == null ? null : count(m, "minCacheTokens", where).intValue());
    }

    private static PricePeriod period(JsonNode p, String where) throws IOException {
        LocalDate from = date(p.path("from"), where + " price \"from\"");
        if (from == null) {
            throw new IOException(where + ": every price needs a \"from\" date (YYYY-MM-DD)");
        }
        List<Rates> tiers = new ArrayList<>();
        if (p.has("tiers")) {
            for (JsonNode tier : p.path("tiers")) {
                tiers.add(rates(tier, where));
            }
        } else {
            tiers.add(rates(p, where));
        }
        if (tiers.isEmpty()) {
            throw new IOException(where + ": a price from " + from + " has no rates");
        }
        return new PricePeriod(from, tiers);
    }

    private static Rates rates(JsonNode r, String where) throws IOException {
        Long upTo = count(r, "promptTokensUpTo", where);
        return new Rates(upTo, amount(r, "input", where), amount(r, "output", where), amount(r, "cacheWrite5m", where),
                amount(r, "cacheWrite1h", where), amount(r, "cacheRead", where));
    }

    private static BigDecimal amount(JsonNode node, String field, String where) throws IOException {
        JsonNode value = node.path(field);
        if (!value.isNumber() || value.decimalValue().signum() < 0) {
            throw new IOException(where + ": price field \"" + field + "\" must be a number of USD per million tokens");
        }
        return value.decimalValue();
    }

    private static Long count(JsonNode node, String field, String where) throws IOException {
        JsonNode value = node.path(field);
        if (value.isMissingNode() || value.isNull()) {
            return null;
        }
        if (!value.isIntegralNumber() || value.asLong() <= 0) {
            throw new IOException(where + ": \"" + field + "\" must be a positive whole number");
        }
        return value.asLong();
    }

    private static List<String> strings(JsonNode node, String field, List<String> fallback, String where)
            throws IOException {
        JsonNode value = node.path(field);
        if (value.isMissingNode()) {
            return fallback;
        }
        if (!value.isArray()) {
            throw new IOException(where + ": \"" + field + "\" must be a list of strings");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode item : value) {
            out.add(item.asText());
        }
        return out;
    }

    private static Lifecycle.Stage stage(String name, String where) throws IOException {
        try {
            return Lifecycle.Stage.valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IOException(where + ": unknown lifecycle \"" + name + "\" (active, legacy, deprecated, retired)");
        }
    }

    private static LocalDate date(JsonNode value, String where) throws IOException {
        if (value.isMissingNode() || value.isNull()) {
            return null;
        }
        try {
            return LocalDate.parse(value.asText());
        } catch (DateTimeParseException e) {
            throw new IOException(where + " must be a date YYYY-MM-DD, not \"" + value.asText() + "\"");
        }
    }

    private static Map<String, BigDecimal> factors(JsonNode node, String where) throws IOException {
        Map<String, BigDecimal> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            if (e.getKey().equals("source")) {
                continue;
            }
            if (!e.getValue().isNumber()) {
                throw new IOException("multiplier " + where + "." + e.getKey() + " must be a number");
            }
            out.put(e.getKey(), e.getValue().decimalValue());
        }
        return out;
    }

    // ---- lookups ----

    public Collection<ModelSpec> all() {
        return models.values();
    }

    /** The table's own default: a current model, so an install without configuration asks for one. */
    public String defaultModel() {
        return defaultModel;
    }

    /**
     * The entry for a model id, accepting a dated id such as claude-sonnet-5-5-20260915 and the aliases
     * the table lists; null when unknown.
     */
    public ModelSpec find(String id) {
        if (id == null) {
            return null;
        }
        ModelSpec exact = lookup(id);
        return exact != null ? exact : lookup(DATE_SUFFIX.matcher(id).replaceFirst(""));
    }

    private ModelSpec lookup(String id) {
        ModelSpec spec = models.get(id);
        return spec != null ? spec : models.get(aliases.getOrDefault(id, ""));
    }

    /**
     * The shortest prompt prefix, in tokens, that Claude caches for this model: the model's own figure, else
     * the table's fallback (also for a model the table does not know).
     */
    public int minCacheTokens(String model) {
        ModelSpec spec = find(model);
        return spec != null && spec.minCacheTokens() != null ? spec.minCacheTokens() : minCacheTokensFallback;
    }

    // ---- cost ----

    /**
     * Exact cost in USD of an answer that ran on the given (UTC) day, or null when a model it used has no
     * price. Cache writes without a 5m/1h split are priced as 5-minute writes, the API's default. When
     * Claude reports iterations, each is priced on its own at its own model's rates, and they replace the
     * top-level counts.
     */
    public BigDecimal cost(String model, Usage usage, LocalDate day) {
        ModelSpec spec = find(model);
        Map<String, BigDecimal> speeds = spec != null && !spec.speedMultipliers().isEmpty()
                ? spec.speedMultipliers() : speedMultipliers;
        BigDecimal factor = factor(speeds, usage.speed()).multiply(factor(geoMultipliers, usage.inferenceGeo()));
        if (usage.iterations().isEmpty()) {
            BigDecimal cost = tokensCost(model, usage, day);
            return cost == null ? null : finish(cost.multiply(factor));
        }
        BigDecimal total = BigDecimal.ZERO;
        for (Usage.Iteration iteration : usage.iterations()) {
            BigDecimal cost = tokensCost(iteration.model() != null ? iteration.model() : model, iteration.usage(), day);
            if (cost == null) {
                return null;
            }
            total = total.add(cost);
        }
        return finish(total.multiply(factor));
    }

    /** Millionths of a dollar, unscaled: the sum of each kind of token times its rate. */
    private BigDecimal tokensCost(String model, Usage usage, LocalDate day) {
        ModelSpec spec = find(model);
        PricePeriod period = spec == null ? null : spec.pricesOn(day);
        if (period == null) {
            return null;
        }
        Rates rates = period.tierFor(usage.promptTokens());
        long oneHour = usage.cacheCreation1hTokens();
        long fiveMinutes = Math.max(usage.cacheCreation5mTokens(), usage.cacheCreationInputTokens() - oneHour);
        return rates.input().multiply(BigDecimal.valueOf(usage.inputTokens()))
                .add(rates.cacheWrite5m().multiply(BigDecimal.valueOf(fiveMinutes)))
                .add(rates.cacheWrite1h().multiply(BigDecimal.valueOf(oneHour)))
                .add(rates.cacheRead().multiply(BigDecimal.valueOf(usage.cacheReadInputTokens())))
                .add(rates.output().multiply(BigDecimal.valueOf(usage.outputTokens())));
    }

    private static BigDecimal finish(BigDecimal millionths) {
        BigDecimal usd = millionths.divide(MILLION).stripTrailingZeros();
        return usd.signum() == 0 ? BigDecimal.ZERO : usd;
    }

    /** An unknown speed or region costs the standard rate: Claude's usage names only the ones that cost more. */
    private static BigDecimal factor(Map<String, BigDecimal> factors, String key) {
        return key == null ? BigDecimal.ONE : factors.getOrDefault(key, BigDecimal.ONE);
    }
}
