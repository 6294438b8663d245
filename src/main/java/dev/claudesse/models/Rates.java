package dev.claudesse.models;

import java.math.BigDecimal;

/**
 * One set of rates in USD per million tokens. promptTokensUpTo bounds the tier: a request whose prompt
 * (input plus cache writes plus cache reads) is larger takes the next tier for every token; null means
 * no bound.
 */
public record Rates(Long promptTokensUpTo, BigDecimal input, BigDecimal output, BigDecimal cacheWrite5m,
                    BigDecimal cacheWrite1h, BigDecimal cacheRead) {

    boolean covers(long promptTokens) {
        return promptTokensUpTo == null || promptTokens <= promptTokensUpTo;
    }
}
