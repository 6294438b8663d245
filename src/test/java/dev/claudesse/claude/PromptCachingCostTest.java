package dev.claudesse.claude;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.claudesse.models.ModelTable;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cost of one 20-turn conversation with and without automatic prompt caching, from the model table's
 * prices and the product's own rule for where the breakpoint goes (docs/performance.md, "Prompt caching").
 * The assumptions: no system prompt; each question 200 tokens and each answer 800; every turn starts within
 * five minutes of the one before, so the cache written by one turn is alive for the next; Claude reads the
 * prefix the previous turn wrote and writes the rest up to the new breakpoint (cache writes at the 5-minute
 * rate). Run main() to print the table; the test fails when docs/performance.md shows other figures.
 */
class PromptCachingCostTest {

    static final int TURNS = 20;
    static final int QUESTION_TOKENS = 200;
    static final int ANSWER_TOKENS = 800;
    static final LocalDate DAY = LocalDate.of(2026, 11, 30);
    static final List<String> MODELS = List.of("claude-sonnet-5-5", "claude-opus-5-5", "claude-haiku-4-5");

    record Totals(BigDecimal without, BigDecimal with, BigDecimal inputWithout, BigDecimal inputWith) {
    }

    static Totals conversation(ModelTable table, String model) {
        BigDecimal without = BigDecimal.ZERO;
        BigDecimal with = BigDecimal.ZERO;
        BigDecimal outputOnly = BigDecimal.ZERO;
        long cached = 0; // the prefix the previous turn wrote to the cache
        List<Message> messages = new ArrayList<>();
        for (int turn = 1; turn <= TURNS; turn++) {
            long history = (long) (turn - 1) * (QUESTION_TOKENS + ANSWER_TOKENS);
            messages.add(new Message("user", "q".repeat(QUESTION_TOKENS * PromptCaching.CHARS_PER_TOKEN), List.of()));
            without = without.add(table.cost(model, new Usage(history + QUESTION_TOKENS, ANSWER_TOKENS, 0, 0, 0, 0), DAY));
            ClaudeRequest.CacheBreakpoint breakpoint = PromptCaching.breakpoint(null, messages,
                    table.minCacheTokens(model));
            Usage usage;
            if (breakpoint == null) {
                usage = new Usage(history + QUESTION_TOKENS, ANSWER_TOKENS, 0, 0, 0, 0);
                cached = 0;
            } else {
                long write = history - cached;
                usage = new Usage(QUESTION_TOKENS, ANSWER_TOKENS, write, write, 0, cached);
                cached = history;
            }
            with = with.add(table.cost(model, usage, DAY));
            outputOnly = outputOnly.add(table.cost(model, new Usage(0, ANSWER_TOKENS, 0, 0, 0, 0), DAY));
            messages.add(new Message("assistant", "a".repeat(ANSWER_TOKENS * PromptCaching.CHARS_PER_TOKEN), List.of()));
        }
        return new Totals(without, with, without.subtract(outputOnly), with.subtract(outputOnly));
    }

    /** The table's rows, as docs/performance.md shows them. */
    static List<String> rows(ModelTable table) {
        List<String> rows = new ArrayList<>();
        for (String model : MODELS) {
            Totals t = conversation(table, model);
            BigDecimal saved = BigDecimal.ONE.subtract(t.with().divide(t.without(), 6, RoundingMode.HALF_UP))
                    .movePointRight(2).setScale(0, RoundingMode.HALF_UP);
            rows.add("| " + table.find(model).displayName() + " | " + table.minCacheTokens(model) + " | $"
                    + usd(t.inputWithout()) + " | $" + usd(t.inputWith()) + " | $" + usd(t.without()) + " | $"
                    + usd(t.with()) + " | " + saved + " % |");
        }
        return rows;
    }

    private static String usd(BigDecimal amount) {
        return amount.setScale(4, RoundingMode.HALF_UP).toPlainString();
    }

    @Test
    void performanceMdShowsTheFiguresOfTheModelTable() throws Exception {
        String doc = Files.readString(Path.of("docs/performance.md"));
        for (String row : rows(ModelTable.load(new ObjectMapper(), null))) {
            assertTrue(doc.contains(row), "docs/performance.md should have the row\n" + row);
        }
    }

    public static void main(String[] args) throws Exception {
        rows(ModelTable.load(new ObjectMapper(), null)).forEach(System.out::println);
    }
}
