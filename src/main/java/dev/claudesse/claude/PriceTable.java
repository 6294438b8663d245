package dev.claudesse.claude;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Claude's prices, shipped as a resource and overridable per model from a file of the same shape.
 * A model that matches no entry has no price: its cost is null, never a guess.
 */
public final class PriceTable {

    private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);
    private static final Pattern DATE_SUFFIX = Pattern.compile("-\\d{8}$");

    private final Map<String, Price> prices;

    PriceTable(Map<String, Price> prices) {
        this.prices = Collections.unmodifiableMap(prices);
    }

    /** The shipped table, with the override file's models replacing or adding entries when a file is given. */
    public static PriceTable load(ObjectMapper json, Path overrideFile) throws IOException {
        Map<String, Price> prices = new LinkedHashMap<>();
        try (InputStream in = PriceTable.class.getResourceAsStream("prices.json")) {
            if (in == null) {
                throw new IOException("prices.json is missing from the WAR");
            }
            read(json.readTree(in), prices);
        }
        if (overrideFile != null) {
            read(json.readTree(Files.readAllBytes(overrideFile)), prices);
        }
        return new PriceTable(prices);
    }

    private static void read(JsonNode root, Map<String, Price> into) throws IOException {
        JsonNode models = root.path("models");
        if (!models.isObject()) {
            throw new IOException("a price table needs an object \"models\"");
        }
        for (Map.Entry<String, JsonNode> e : models.properties()) {
            JsonNode p = e.getValue();
            into.put(e.getKey(), new Price(amount(p, "input"), amount(p, "output"),
                    amount(p, "cacheWrite5m"), amount(p, "cacheWrite1h"), amount(p, "cacheRead")));
        }
    }

    private static BigDecimal amount(JsonNode price, String field) throws IOException {
        JsonNode value = price.path(field);
        if (!value.isNumber()) {
            throw new IOException("price field \"" + field + "\" must be a number");
        }
        return value.decimalValue();
    }

    public Set<String> models() {
        return prices.keySet();
    }

    /** The entry for a model id, accepting a dated id such as claude-sonnet-4-5-20250929. */
    public Price priceOf(String model) {
        if (model == null) {
            return null;
        }
        Price exact = prices.get(model);
        return exact != null ? exact : prices.get(DATE_SUFFIX.matcher(model).replaceFirst(""));
    }

    public boolean knows(String model) {
        return priceOf(model) != null;
    }

    /**
     * Exact cost in USD. Cache writes without a 5m/1h split are priced as 5-minute writes, the API's default.
     */
    public BigDecimal cost(String model, Usage usage) {
        Price price = priceOf(model);
        if (price == null) {
            return null;
        }
        long oneHour = usage.cacheCreation1hTokens();
        long fiveMinutes = Math.max(usage.cacheCreation5mTokens(), usage.cacheCreationInputTokens() - oneHour);
        BigDecimal millionths = price.input().multiply(BigDecimal.valueOf(usage.inputTokens()))
                .add(price.cacheWrite5m().multiply(BigDecimal.valueOf(fiveMinutes)))
                .add(price.cacheWrite1h().multiply(BigDecimal.valueOf(oneHour)))
                .add(price.cacheRead().multiply(BigDecimal.valueOf(usage.cacheReadInputTokens())))
                .add(price.output().multiply(BigDecimal.valueOf(usage.outputTokens())));
        return millionths.divide(MILLION).stripTrailingZeros();
    }
}
