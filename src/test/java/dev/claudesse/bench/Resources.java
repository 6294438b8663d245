package dev.claudesse.bench;

/** CPU nanoseconds used so far by the app, the fake and this load client (-1 where unknown). */
record Resources(long app, long fake, long client) {

    static Resources now(long appPid, long fakePid) {
        return new Resources(appPid > 0 ? ProcStats.cpuNanos(appPid) : -1,
                fakePid > 0 ? ProcStats.cpuNanos(fakePid) : -1,
                ProcStats.cpuNanos(ProcessHandle.current().pid()));
    }

    /** CPU used between two readings, or -1 when either is unknown. */
    static long spent(long before, long after) {
        return before < 0 || after < 0 ? -1 : after - before;
    }
}
