package dev.claudesse.bench;

import java.util.Locale;

/**
 * The benchmark's standard levels (docs/performance.md). Each answer lasts about 30 s, so a level is bounded;
 * 10,000 short warm-up answers run first, unmeasured, so the JIT and the app's first-use costs are not counted.
 */
enum BenchLevel {
    /** One answer alone: the relay's latency with nothing else going on. */
    SINGLE(1, 150, 48, 200, 0, 10_000),
    /** 1,000 answers, a delta every 200 ms. */
    C1000(1_000, 150, 48, 200, 5_000, 10_000),
    /** 8,000 answers, a delta every second: memory per open stream. */
    C8000(8_000, 30, 48, 1_000, 10_000, 10_000),
    /** 200 answers, a delta every 10 ms: CPU per relayed chunk. */
    THROUGHPUT(200, 3_000, 48, 10, 1_000, 10_000),
    /** Tiny, for CI: proves the harness and the app work together, times nothing. */
    SMOKE(5, 5, 48, 20, 0, 0);

    final int answers;
    final int deltas;
    final int size;
    final long intervalMillis;
    final long rampMillis;
    final int warmupAnswers;

    BenchLevel(int answers, int deltas, int size, long intervalMillis, long rampMillis, int warmupAnswers) {
        this.answers = answers;
        this.deltas = deltas;
        this.size = size;
        this.intervalMillis = intervalMillis;
        this.rampMillis = rampMillis;
        this.warmupAnswers = warmupAnswers;
    }

    String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    static BenchLevel named(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }
}
