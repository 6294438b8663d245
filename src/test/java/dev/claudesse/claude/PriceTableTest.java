package dev.claudesse.claude;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PriceTableTest {

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void costAddsEveryKindOfTokenAtItsOwnPrice() throws IOException {
        PriceTable prices = PriceTable.load(json, null);
        // sonnet 4.5: input 3, 5m write 3.75, 1h write 6, read 0.30, output 15 (USD per million)
        Usage usage = new Usage(12, 60, 3000, 1000, 2000, 500);
        BigDecimal expected = new BigDecimal("0.000036")   // 12 × 3
                .add(new BigDecimal("0.00375"))             // 1000 × 3.75
                .add(new BigDecimal("0.012"))               // 2000 × 6
                .add(new BigDecimal("0.00015"))             // 500 × 0.30
                .add(new BigDecimal("0.0009"));             // 60 × 15
        assertEquals(0, expected.compareTo(prices.cost("claude-sonnet-4-5-20250929", usage)));
    }

    @Test
    void cacheWritesWithoutASplitArePricedAsFiveMinuteWrites() throws IOException {
        PriceTable prices = PriceTable.load(json, null);
        BigDecimal cost = prices.cost("claude-haiku-4-5", new Usage(0, 0, 1_000_000, 0, 0, 0));
        assertEquals(0, new BigDecimal("1.25").compareTo(cost));
    }

    @Test
    void anUnknownModelHasNoCost() throws IOException {
        assertNull(PriceTable.load(json, null).cost("claude-unknown-9", new Usage(1, 1, 0, 0, 0, 0)));
    }

    @Test
    void anOverrideFileReplacesAndAddsModels(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("prices.json");
        Files.writeString(file, "{\"models\":{\"claude-sonnet-4-5\":{\"input\":1,\"output\":2,\"cacheWrite5m\":0,"
                + "\"cacheWrite1h\":0,\"cacheRead\":0},\"my-model\":{\"input\":10,\"output\":10,\"cacheWrite5m\":0,"
                + "\"cacheWrite1h\":0,\"cacheRead\":0}}}");
        PriceTable prices = PriceTable.load(json, file);
        assertEquals(0, new BigDecimal("5").compareTo(prices.cost("claude-sonnet-4-5", new Usage(1_000_000, 2_000_000, 0, 0, 0, 0))));
        assertEquals(0, new BigDecimal("0.00002").compareTo(prices.cost("my-model", new Usage(1, 1, 0, 0, 0, 0))));
        assertEquals(0, new BigDecimal("5").compareTo(prices.cost("claude-haiku-4-5", new Usage(0, 1_000_000, 0, 0, 0, 0))));
    }

    @Test
    void aBrokenOverrideFileIsRefusedWithAClearMessage(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("prices.json");
        Files.writeString(file, "{\"models\":{\"x\":{\"input\":\"cheap\"}}}");
        IOException e = assertThrows(IOException.class, () -> PriceTable.load(json, file));
        assertEquals("price field \"input\" must be a number", e.getMessage());
    }

    @Test
    void theShippedSampleInConfParsesAndMatchesTheShippedTable() throws IOException {
        Path sample = Path.of("conf/prices.sample.json");
        PriceTable shipped = PriceTable.load(json, null);
        PriceTable withSample = PriceTable.load(json, sample);
        for (String model : shipped.models()) {
            assertEquals(shipped.priceOf(model), withSample.priceOf(model), model);
        }
    }
}
