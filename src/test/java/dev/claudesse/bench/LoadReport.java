package dev.claudesse.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

/**
 * A load run's results, as a readable table and as one JSON line. Times are in milliseconds; a figure that
 * could not be measured (no samples, no app pid) is null in JSON and "n/a" in the table. "app" is the relay
 * measured, the WAR or a peer ("relay" tells which).
 */
record LoadReport(Map<String, Object> figures) {

    static LoadReport of(LoadOptions options, RunFigures run, Resources before, Resources after,
                         long idleResident, double seconds, Double loadAverage) {
        return of(options, run, before, after, idleResident, seconds, loadAverage, null);
    }

    /** completedInTime: for a closed loop, the answers completed within its measured time; else null. */
    static LoadReport of(LoadOptions options, RunFigures run, Resources before, Resources after,
                         long idleResident, double seconds, Double loadAverage, Integer completedInTime) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("level", options.label());
        f.put("relay", options.relay());
        f.put("direct", options.direct());
        // For a closed loop, the answers it started (its clients are closedLoopClients).
        f.put("answers", options.closedLoop() ? run.completed + run.failed : options.answers());
        f.put("closedLoopClients", options.closedLoop() ? options.answers() : null);
        f.put("closedLoopSeconds", options.closedLoop() ? options.closedLoopSeconds() : null);
        f.put("deltasPerAnswer", options.deltas());
        f.put("deltaBytes", options.size());
        f.put("intervalMs", options.intervalMillis());
        f.put("rampMs", options.rampMillis());
        f.put("warmupSeconds", options.warmupSeconds());
        f.put("completed", run.completed);
        f.put("failed", run.failed);
        f.put("failures", run.failures);
        f.put("answersPerSecond", completedInTime == null ? null
                : round(completedInTime / (double) options.closedLoopSeconds()));
        f.put("chunks", run.chunks);
        f.put("expectedChunks", (long) (options.closedLoop() ? run.completed + run.failed : options.answers())
                * options.deltas());
        f.put("seconds", round(seconds));
        f.put("headersP50Ms", ms(run.headers.percentile(50)));
        f.put("headersP99Ms", ms(run.headers.percentile(99)));
        f.put("firstChunkP50Ms", ms(run.firstChunk.percentile(50)));
        f.put("firstChunkP99Ms", ms(run.firstChunk.percentile(99)));
        f.put("delayP50Ms", ms(run.delays.percentile(50)));
        f.put("delayP90Ms", ms(run.delays.percentile(90)));
        f.put("delayP99Ms", ms(run.delays.percentile(99)));
        f.put("delayMaxMs", ms(run.delays.max()));
        long span = run.lastChunkAt - run.firstChunkAt;
        f.put("chunksPerSecond", run.chunks > 1 && span > 0 ? round(run.chunks * 1e9 / span) : null);
        long appCpu = Resources.spent(before.app(), after.app());
        f.put("appCpuUsPerChunk", appCpu >= 0 && run.chunks > 0 ? round(appCpu / 1e3 / run.chunks) : null);
        f.put("peakOpenStreams", run.peakOpen);
        f.put("appRssIdleMb", mb(idleResident));
        f.put("appRssPeakMb", mb(run.residentAtPeak));
        f.put("appKbPerStream", idleResident > 0 && run.residentAtPeak > 0 && run.peakOpen > 0
                ? round((run.residentAtPeak - idleResident) / 1024.0 / run.peakOpen) : null);
        f.put("appCpuMs", cpuMs(appCpu));
        f.put("fakeCpuMs", cpuMs(Resources.spent(before.fake(), after.fake())));
        f.put("clientCpuMs", cpuMs(Resources.spent(before.client(), after.client())));
        f.put("loadAverageBefore", loadAverage);
        return new LoadReport(f);
    }

    Object get(String name) {
        return figures.get(name);
    }

    String table() {
        StringBuilder out = new StringBuilder();
        if (figures.get("closedLoopClients") != null) {
            out.append(String.format("%n== %s (%s): %s clients in a closed loop for %s s, %s deltas of %s bytes ==%n",
                    figures.get("level"), figures.get("relay"), figures.get("closedLoopClients"),
                    figures.get("closedLoopSeconds"), figures.get("deltasPerAnswer"), figures.get("deltaBytes")));
        } else {
            out.append(String.format("%n== %s (%s): %s answers x %s deltas of %s bytes every %s ms ==%n",
                    figures.get("level"), figures.get("relay"), figures.get("answers"), figures.get("deltasPerAnswer"),
                    figures.get("deltaBytes"), figures.get("intervalMs")));
        }
        row(out, "completed / failed", figures.get("completed") + " / " + figures.get("failed")
                + (run(figures.get("failures")).isEmpty() ? "" : "  " + figures.get("failures")));
        if (figures.get("answersPerSecond") != null) {
            row(out, "answers per second", figures.get("answersPerSecond").toString());
        }
        row(out, "chunks received / expected", figures.get("chunks") + " / " + figures.get("expectedChunks"));
        row(out, "time to headers p50 / p99", pair("headersP50Ms", "headersP99Ms", "ms"));
        row(out, "time to first chunk p50 / p99", pair("firstChunkP50Ms", "firstChunkP99Ms", "ms"));
        row(out, "added delay per chunk p50 / p90", pair("delayP50Ms", "delayP90Ms", "ms"));
        row(out, "added delay per chunk p99 / max", pair("delayP99Ms", "delayMaxMs", "ms"));
        row(out, "chunks per second", text(figures.get("chunksPerSecond"), ""));
        row(out, "app CPU per relayed chunk", text(figures.get("appCpuUsPerChunk"), " us"));
        row(out, "app RSS idle / at peak", pair("appRssIdleMb", "appRssPeakMb", "MB"));
        row(out, "app RSS per open stream", text(figures.get("appKbPerStream"), " KB")
                + " (" + figures.get("peakOpenStreams") + " open)");
        row(out, "CPU app / fake / load client", text(figures.get("appCpuMs"), "") + " / "
                + text(figures.get("fakeCpuMs"), "") + " / " + text(figures.get("clientCpuMs"), " ms"));
        row(out, "run time", figures.get("seconds") + " s");
        row(out, "machine load (1 min) before", text(figures.get("loadAverageBefore"),
                " (the fake and this client add to it; other work makes every figure worse)"));
        return out.toString();
    }

    String toJson() {
        return json(figures);
    }

    private static Map<?, ?> run(Object failures) {
        return (Map<?, ?>) failures;
    }

    private String pair(String first, String second, String unit) {
        return text(figures.get(first), "") + " / " + text(figures.get(second), " " + unit);
    }

    private static void row(StringBuilder out, String name, String value) {
        out.append(String.format("  %-34s %s%n", name, value));
    }

    private static String text(Object value, String unit) {
        return value == null ? "n/a" : value + unit;
    }

    private static String json(Object value) {
        if (value instanceof Map<?, ?> map) {
            StringJoiner joined = new StringJoiner(",", "{", "}");
            map.forEach((k, v) -> joined.add(quote(k.toString()) + ":" + json(v)));
            return joined.toString();
        }
        return value instanceof String s ? quote(s) : String.valueOf(value);
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static Double ms(Long nanos) {
        return nanos == null ? null : round(nanos / 1e6);
    }

    private static Double mb(long bytes) {
        return bytes < 0 ? null : round(bytes / 1048576.0);
    }

    private static Double cpuMs(long nanos) {
        return nanos < 0 ? null : round(nanos / 1e6);
    }

    private static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }
}
