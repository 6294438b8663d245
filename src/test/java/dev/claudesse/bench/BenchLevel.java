package dev.claudesse.bench;

import java.util.Locale;

/**
 * The benchmark's levels (docs/performance.md). Before each measured run, 60 s of short warm-up answers run
 * unmeasured, so the JIT and the relay's first-use costs are not counted. Issue 12's levels open new answers at
 * 500 per second (the ramp-up is answers ÷ 500 s), each one a new conversation. A level with closed-loop seconds
 * is a closed loop instead: that many concurrent clients, each opening its next answer the moment one ends.
 */
enum BenchLevel {
    /** One answer alone: the relay's latency with nothing else going on. */
    SINGLE(1, 150, 48, 200, 0, 60, 0),
    /** 1,000 answers of 40 deltas, one every 200 ms (5,000 chunks/s): latency under many streams. */
    C1000(1_000, 40, 32, 200, 2_000, 60, 0),
    /** 5,000 answers of 16 deltas, one a second: memory per open stream. */
    C5000(5_000, 16, 32, 1_000, 10_000, 60, 0),
    /** 8,000 answers, a delta every second: issue 6's level, kept as it was (800 new answers/s). */
    C8000(8_000, 30, 48, 1_000, 10_000, 60, 0),
    /**
     * Issue 16: 16,000 answers on one node against BenchClaudeH2 (TLS, HTTP/2): one socket per answer in the app,
     * the upstream multiplexed. Opened at 800 per second like c8000.
     */
    C16000H2(16_000, 30, 48, 1_000, 20_000, 60, 0),
    /** 200 answers of 100 deltas every 10 ms (20,000 chunks/s): CPU per relayed chunk. */
    THROUGHPUT(200, 100, 32, 10, 400, 60, 0),
    /** 100 clients asking one-delta answers as fast as they complete, for 30 s: answers per second. */
    RPS(100, 1, 32, 0, 200, 60, 30),
    /** Tiny, for CI: proves the harness and the relay work together, times nothing. */
    SMOKE(5, 5, 48, 20, 0, 0, 0);

    /** Concurrent answers; for a closed loop, the number of clients. */
    final int answers;
    final int deltas;
    final int size;
    final long intervalMillis;
    final long rampMillis;
    final int warmupSeconds;
    /** 0: every answer opened once (over the ramp-up); above 0: a closed loop measured for this long. */
    final int closedLoopSeconds;

    BenchLevel(int answers, int deltas, int size, long intervalMillis, long rampMillis, int warmupSeconds,
               int closedLoopSeconds) {
        this.answers = answers;
        this.deltas = deltas;
        this.size = size;
        this.intervalMillis = intervalMillis;
        this.rampMillis = rampMillis;
        this.warmupSeconds = warmupSeconds;
        this.closedLoopSeconds = closedLoopSeconds;
    }

    String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    static BenchLevel named(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }
}
