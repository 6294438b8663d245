package dev.claudesse.bench;

import java.util.Map;
import java.util.TreeMap;

/** What one load run observed; filled by the connections on the load client's one thread. */
final class RunFigures {

    final Samples headers = new Samples();
    final Samples firstChunk = new Samples();
    final Samples delays = new Samples();
    final Map<String, Integer> failures = new TreeMap<>();
    int completed;
    int failed;
    long chunks;
    long firstChunkAt;
    long lastChunkAt;
    /** Answers whose response headers arrived and that have not finished: streams the app holds open. */
    int open;
    int peakOpen;
    long residentAtPeak = -1;

    void chunksArrived(int count, long at) {
        if (chunks == 0) {
            firstChunkAt = at;
        }
        chunks += count;
        lastChunkAt = at;
    }

    void failure(String reason) {
        failed++;
        failures.merge(reason, 1, Integer::sum);
    }

    /** Keeps the last resident-memory sample taken while the most streams were open. */
    void sampleResident(long residentBytes) {
        if (residentBytes < 0 || open == 0 || open < peakOpen) {
            return;
        }
        peakOpen = open;
        residentAtPeak = residentBytes;
    }
}
