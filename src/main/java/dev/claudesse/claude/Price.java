package dev.claudesse.claude;

import java.math.BigDecimal;

/** One model's prices in USD per million tokens. */
public record Price(BigDecimal input, BigDecimal output, BigDecimal cacheWrite5m, BigDecimal cacheWrite1h,
                    BigDecimal cacheRead) {
}
