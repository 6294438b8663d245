package dev.claudesse.bench;

/**
 * One load client run: a level's shape (possibly overridden), which relay it measures ("war", or a peer's name
 * such as "node"), where the relay and the fake are, and the relay's pid for its CPU and memory (0 = unknown:
 * those figures are then left out).
 */
record LoadOptions(String label, String relay, int answers, int deltas, int size, long intervalMillis,
                   long rampMillis, int warmupSeconds, int closedLoopSeconds, long timeoutMillis, String url,
                   String fakeUrl, long appPid, boolean direct, String jsonOut, int waitHealthSeconds) {

    /** Spare time, beyond the answers' own length, before unfinished answers count as timeouts. */
    static final long GRACE_MILLIS = 30_000;
    static final String WAR = "war";

    static LoadOptions of(BenchLevel level, String url, String fakeUrl, long appPid) {
        return new LoadOptions(level.label(), WAR, level.answers, level.deltas, level.size, level.intervalMillis,
                level.rampMillis, level.warmupSeconds, level.closedLoopSeconds,
                bound(level.rampMillis, level.deltas, level.intervalMillis), url, fakeUrl, appPid, false, null, 60);
    }

    static LoadOptions parse(String[] arguments) {
        Args args = new Args(arguments);
        BenchLevel level = BenchLevel.named(args.text("--level", "smoke"));
        int deltas = args.integer("--deltas", level.deltas);
        long interval = args.number("--interval-ms", level.intervalMillis);
        long ramp = args.number("--ramp-ms", level.rampMillis);
        boolean direct = args.flag("--direct");
        String url = args.text("--url", "http://127.0.0.1:8080");
        return new LoadOptions(args.text("--label", level.label()), args.text("--relay", direct ? "direct" : WAR),
                args.integer("--answers", level.answers), deltas, args.integer("--size", level.size), interval, ramp,
                args.integer("--warmup-seconds", level.warmupSeconds),
                args.integer("--seconds", level.closedLoopSeconds),
                args.number("--timeout-ms", bound(ramp, deltas, interval)),
                url, args.text("--fake-url", direct ? url : null), args.number("--app-pid", 0), direct,
                args.text("--json-out", null), args.integer("--wait-health-seconds", 60));
    }

    /** For an open run, the whole run; for a closed loop, how long answers in flight at its end may still take. */
    private static long bound(long ramp, int deltas, long interval) {
        return ramp + Math.max(0, deltas - 1) * interval + GRACE_MILLIS;
    }

    boolean closedLoop() {
        return closedLoopSeconds > 0;
    }

    /** The WAR has /api/health; a peer relay may not, so for it any HTTP answer means it is up. */
    boolean healthNeeds200() {
        return WAR.equals(relay);
    }

    StreamShape shape() {
        return new StreamShape(deltas, size, intervalMillis);
    }
}
