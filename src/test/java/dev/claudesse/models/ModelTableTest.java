package dev.claudesse.models;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.claudesse.claude.Usage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelTableTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final LocalDate TODAY = LocalDate.parse("2026-11-30");

    /**
     * Today's rates (USD per million: input, output, 5-minute write, 1-hour write, cache read), written
     * out here from the sources cited in models.json and docs/models.md, apart from the table: a slip in
     * the table shows as a wrong cost.
     */
    private static final Map<String, String> RATES_TODAY = Map.ofEntries(
            Map.entry("claude-fable-5-2", "8 40 10 16 0.20"),
            Map.entry("claude-mythos-5-2", "8 40 10 16 0.20"),
            Map.entry("claude-fable-5-1", "10 50 12.50 20 0.25"),
            Map.entry("claude-mythos-5-1", "10 50 12.50 20 0.25"),
            Map.entry("claude-fable-5", "10 50 12.50 20 1"),
            Map.entry("claude-mythos-5", "10 50 12.50 20 1"),
            Map.entry("claude-opus-5-5", "4 20 5 8 0.20"),
            Map.entry("claude-opus-5", "5 25 6.25 10 0.50"),
            Map.entry("claude-opus-4-8", "5 25 6.25 10 0.50"),
            Map.entry("claude-opus-4-7", "5 25 6.25 10 0.50"),
            Map.entry("claude-opus-4-6", "5 25 6.25 10 0.50"),
            Map.entry("claude-opus-4-5", "5 25 6.25 10 0.50"),
            Map.entry("claude-opus-4-1", "15 75 18.75 30 1.50"),
            Map.entry("claude-opus-4", "15 75 18.75 30 1.50"),
            Map.entry("claude-sonnet-5-5", "2 10 2.50 4 0.10"),
            Map.entry("claude-sonnet-5", "2 10 2.50 4 0.20"),
            Map.entry("claude-sonnet-4-6", "3 15 3.75 6 0.30"),
            Map.entry("claude-sonnet-4-5", "3 15 3.75 6 0.30"),
            Map.entry("claude-sonnet-4", "3 15 3.75 6 0.30"),
            Map.entry("claude-haiku-5-5", "0.10 0.50 0.125 0.20 0.01"),
            Map.entry("claude-haiku-4-5", "1 5 1.25 2 0.10"),
            Map.entry("claude-3-7-sonnet", "3 15 3.75 6 0.30"),
            Map.entry("claude-3-5-haiku", "0.80 4 1 1.6 0.08"),
            Map.entry("claude-3-haiku", "0.25 1.25 0.30 0.50 0.03"));

    /** Models the table knows only for their lifecycle: Claude never priced them for general use. */
    private static final List<String> UNPRICED = List.of("claude-mythos-preview");

    private static ModelTable shipped() throws IOException {
        return ModelTable.load(JSON, null);
    }

    private static BigDecimal usd(String s) {
        return new BigDecimal(s);
    }

    private static void assertCost(String expected, BigDecimal actual) {
        assertEquals(0, usd(expected).compareTo(actual), () -> "expected " + expected + ", got " + actual);
    }

    @Test
    void everyModelOfTheTableCostsItsPublishedRatesToTheMillionthOfACent() throws IOException {
        ModelTable table = shipped();
        assertEquals(new TreeSet<>(RATES_TODAY.keySet()), table.all().stream().map(ModelSpec::id)
                .filter(id -> !UNPRICED.contains(id)).collect(Collectors.toCollection(TreeSet::new)),
                "every priced model of the table needs its rates in this test");
        // small enough to stay in Haiku 5.5's lower tier: 1,000 input, 2,000 5m writes, 3,000 1h writes, 4,000 reads, 500 out
        Usage usage = new Usage(1_000, 500, 5_000, 2_000, 3_000, 4_000);
        for (Map.Entry<String, String> e : RATES_TODAY.entrySet()) {
            String[] r = e.getValue().split(" ");
            BigDecimal expected = usd(r[0]).multiply(usd("1000")).add(usd(r[1]).multiply(usd("500")))
                    .add(usd(r[2]).multiply(usd("2000"))).add(usd(r[3]).multiply(usd("3000")))
                    .add(usd(r[4]).multiply(usd("4000"))).divide(usd("1000000"));
            BigDecimal actual = table.cost(e.getKey(), usage, TODAY);
            assertTrue(expected.subtract(actual).abs().compareTo(usd("0.000001")) < 0,
                    e.getKey() + ": expected " + expected + ", got " + actual);
            assertEquals(0, expected.compareTo(actual), e.getKey());
        }
        for (String model : UNPRICED) {
            assertNull(table.cost(model, usage, TODAY), model);
        }
    }

    @Test
    void datedIdsAndAliasesFindTheirModel() throws IOException {
        ModelTable table = shipped();
        assertEquals("claude-sonnet-4-5", table.find("claude-sonnet-4-5-20250929").id());
        assertEquals("claude-opus-4", table.find("claude-opus-4-0").id());
        assertEquals("claude-opus-4", table.find("claude-opus-4-20250514").id());
        assertEquals("claude-sonnet-5-5", table.find("claude-sonnet-5-5-20260929").id());
        assertNull(table.find("claude-unknown-9"));
    }

    @Test
    void haikuFiveFivePricesTheWholeRequestAtTheHigherRateAbove100kPromptTokens() throws IOException {
        ModelTable table = shipped();
        // exactly 100,000 prompt tokens (input + writes + reads) is still the lower tier
        Usage atLimit = new Usage(90_000, 1_000, 6_000, 6_000, 0, 4_000);
        assertEquals(100_000, atLimit.promptTokens());
        // 90,000 × 0.10 + 1,000 × 0.50 + 6,000 × 0.125 + 4,000 × 0.01 = 9,000 + 500 + 750 + 40 millionths
        assertCost("0.01029", table.cost("claude-haiku-5-5", atLimit, TODAY));
        // one token more: every token at the higher rates, output included
        Usage above = new Usage(90_001, 1_000, 6_000, 6_000, 0, 4_000);
        // 90,001 × 0.50 + 1,000 × 2.50 + 6,000 × 0.625 + 4,000 × 0.05 = 45,000.5 + 2,500 + 3,750 + 200
        assertCost("0.0514505", table.cost("claude-haiku-5-5", above, TODAY));
    }

    @Test
    void anAnswerIsPricedAtTheRatesOfTheDayItRan() throws IOException {
        ModelTable table = shipped();
        Usage reads = new Usage(0, 0, 0, 0, 0, 1_000_000);
        assertCost("0.20", table.cost("claude-sonnet-5-5", reads, LocalDate.parse("2026-10-06")));
        assertCost("0.10", table.cost("claude-sonnet-5-5", reads, LocalDate.parse("2026-10-07")));
        // before a model's first price, its first price stands
        assertCost("0.20", table.cost("claude-sonnet-5-5", reads, LocalDate.parse("2026-01-01")));
    }

    @Test
    void fastModeAndUsRegionMultiplyEveryRate() throws IOException {
        ModelTable table = shipped();
        Usage standard = new Usage(1_000_000, 1_000_000, 0, 0, 0, 0);
        assertCost("24", table.cost("claude-opus-5-5", standard, TODAY));
        Usage fast = new Usage(1_000_000, 1_000_000, 0, 0, 0, 0, 0, "fast", null, List.of());
        assertCost("48", table.cost("claude-opus-5-5", fast, TODAY));
        // fast mode was six times the rate on Opus 4.6 and 4.7
        assertCost("180", table.cost("claude-opus-4-6", fast, TODAY));
        Usage us = new Usage(1_000_000, 1_000_000, 0, 0, 0, 0, 0, "standard", "us", List.of());
        assertCost("26.4", table.cost("claude-opus-5-5", us, TODAY));
        Usage both = new Usage(1_000_000, 1_000_000, 0, 0, 0, 0, 0, "fast", "us", List.of());
        assertCost("52.8", table.cost("claude-opus-5-5", both, TODAY));
        Usage global = new Usage(1_000_000, 1_000_000, 0, 0, 0, 0, 0, "standard", "global", List.of());
        assertCost("24", table.cost("claude-opus-5-5", global, TODAY));
    }

    @Test
    void iterationsArePricedEachAtItsOwnModelsRates() throws IOException {
        ModelTable table = shipped();
        Usage usage = new Usage(10, 40, 0, 0, 0, 0, 0, null, null, List.of(
                new Usage.Iteration("message", "claude-opus-5-5", new Usage(1_000, 2_000, 0, 0, 0, 0)),
                new Usage.Iteration("advisor_message", "claude-haiku-5-5", new Usage(3_000, 4_000, 0, 0, 0, 0)),
                new Usage.Iteration("compaction", null, new Usage(5_000, 1_000, 0, 0, 0, 0))));
        // opus 5.5: 1,000 × 4 + 2,000 × 20 = 44,000; haiku 5.5: 3,000 × 0.10 + 4,000 × 0.50 = 2,300;
        // compaction at the answer's model (opus 5.5): 5,000 × 4 + 1,000 × 20 = 40,000 millionths
        assertCost("0.0863", table.cost("claude-opus-5-5", usage, TODAY));
        Usage unknownAdvisor = new Usage(10, 40, 0, 0, 0, 0, 0, null, null, List.of(
                new Usage.Iteration("advisor_message", "claude-unknown-9", new Usage(1, 1, 0, 0, 0, 0))));
        assertNull(table.cost("claude-opus-5-5", unknownAdvisor, TODAY));
    }

    @Test
    void cacheWritesWithoutASplitArePricedAsFiveMinuteWrites() throws IOException {
        assertCost("1.25", shipped().cost("claude-haiku-4-5", new Usage(0, 0, 1_000_000, 0, 0, 0), TODAY));
    }

    @Test
    void anUnknownModelHasNoCost() throws IOException {
        assertNull(shipped().cost("claude-unknown-9", new Usage(1, 1, 0, 0, 0, 0), TODAY));
    }

    @Test
    void lifecycleFollowsItsDates() throws IOException {
        Lifecycle sonnet45 = shipped().find("claude-sonnet-4-5").lifecycle();
        assertEquals(Lifecycle.Stage.DEPRECATED, sonnet45.on(LocalDate.parse("2026-11-29")));
        assertEquals(Lifecycle.Stage.RETIRED, sonnet45.on(TODAY));
        assertEquals("claude-sonnet-5-5", sonnet45.replacement());
        assertEquals(Lifecycle.Stage.ACTIVE, shipped().find(shipped().defaultModel()).lifecycle().on(TODAY));
    }

    @Test
    void anOverrideReplacesFieldsAndAddsModels(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("models.json");
        Files.writeString(file, """
                {"defaultModel": "my-model",
                 "models": {
                   "claude-sonnet-5-5": {"prices": [{"from": "2026-01-01", "input": 1, "output": 2, "cacheWrite5m": 0,
                                                     "cacheWrite1h": 0, "cacheRead": 0}]},
                   "my-model": {"displayName": "Mine", "thinking": ["enabled", "disabled"],
                                "prices": [{"from": "2026-01-01", "input": 10, "output": 10, "cacheWrite5m": 0,
                                            "cacheWrite1h": 0, "cacheRead": 0}]}}}""");
        ModelTable table = ModelTable.load(JSON, file);
        assertEquals("my-model", table.defaultModel());
        assertCost("5", table.cost("claude-sonnet-5-5", new Usage(1_000_000, 2_000_000, 0, 0, 0, 0), TODAY));
        // the fields the override did not give stay as shipped
        assertEquals("Claude Sonnet 5.5", table.find("claude-sonnet-5-5").displayName());
        assertEquals(128000, table.find("claude-sonnet-5-5").maxOutputTokens());
        assertCost("0.00002", table.cost("my-model", new Usage(1, 1, 0, 0, 0, 0), TODAY));
        assertCost("5", table.cost("claude-haiku-4-5", new Usage(0, 1_000_000, 0, 0, 0, 0), TODAY));
    }

    @Test
    void theOlderPriceFileStillReadsAsUndatedPrices(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("prices.json");
        Files.writeString(file, "{\"models\":{\"claude-haiku-4-5\":{\"input\":1,\"output\":2,\"cacheWrite5m\":0,"
                + "\"cacheWrite1h\":0,\"cacheRead\":0}}}");
        ModelTable table = ModelTable.load(JSON, file);
        assertCost("3", table.cost("claude-haiku-4-5", new Usage(1_000_000, 1_000_000, 0, 0, 0, 0), TODAY));
        assertEquals(64000, table.find("claude-haiku-4-5").maxOutputTokens());
    }

    @Test
    void aBrokenOverrideIsRefusedWithAClearMessage(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("models.json");
        Files.writeString(file, "{\"models\":{\"x\":{\"prices\":[{\"from\":\"2026-01-01\",\"input\":\"cheap\"}]}}}");
        IOException e = assertThrows(IOException.class, () -> ModelTable.load(JSON, file));
        assertEquals("model x: price field \"input\" must be a number of USD per million tokens", e.getMessage());
        Files.writeString(file, "{\"models\":{\"x\":{\"lifecycle\":\"sunset\"}}}");
        e = assertThrows(IOException.class, () -> ModelTable.load(JSON, file));
        assertTrue(e.getMessage().contains("unknown lifecycle \"sunset\""), e.getMessage());
        Files.writeString(file, "{\"defaultModel\":\"nope\"}");
        e = assertThrows(IOException.class, () -> ModelTable.load(JSON, file));
        assertTrue(e.getMessage().contains("defaultModel"), e.getMessage());
    }

    @Test
    void theShippedSampleInConfParsesAndChangesOnlyWhatItSays() throws IOException {
        ModelTable withSample = ModelTable.load(JSON, Path.of("conf/models.sample.json"));
        ModelTable shipped = shipped();
        for (ModelSpec model : shipped.all()) {
            ModelSpec sampled = withSample.find(model.id());
            assertEquals(model.lifecycle(), sampled.lifecycle(), model.id());
            assertEquals(model.thinking(), sampled.thinking(), model.id());
        }
        assertEquals(shipped.defaultModel(), withSample.defaultModel());
        Usage usage = new Usage(1_000_000, 1_000_000, 0, 0, 0, 1_000_000);
        assertEquals(shipped.cost("claude-sonnet-5-5", usage, TODAY), withSample.cost("claude-sonnet-5-5", usage, TODAY));
        assertCost("9.075", withSample.cost("claude-sonnet-5-5", usage, LocalDate.parse("2027-01-01")));
    }
}
