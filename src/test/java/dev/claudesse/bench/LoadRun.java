package dev.claudesse.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Selector;

/**
 * Opens C answers, spread evenly over the ramp-up, and drives them all from one selector thread until every
 * one has finished or the time bound has passed (the rest then fail as timeouts). Samples the app's resident
 * memory every 250 ms, and at once when all answers are open, to catch it while the most streams are open.
 */
final class LoadRun {

    private static final long SAMPLE_EVERY_NANOS = 250_000_000L;

    private final LoadTarget target;
    private final int answers;
    private final long rampNanos;
    private final long boundNanos;
    private final long appPid;

    /** appPid ≤ 0: do not sample memory. */
    LoadRun(LoadTarget target, int answers, long rampMillis, long boundMillis, long appPid) {
        this.target = target;
        this.answers = answers;
        this.rampNanos = rampMillis * 1_000_000L;
        this.boundNanos = boundMillis * 1_000_000L;
        this.appPid = appPid;
    }

    RunFigures run() throws IOException {
        RunFigures figures = new RunFigures();
        AnswerConnection[] connections = new AnswerConnection[answers];
        ByteBuffer readBuffer = ByteBuffer.allocate(64 * 1024);
        byte[] request = target.request();
        long start = System.nanoTime();
        long nextSample = start;
        int opened = 0;
        try (Selector selector = Selector.open()) {
            while (figures.completed + figures.failed < answers) {
                long now = System.nanoTime();
                if (now - start > boundNanos) {
                    break;
                }
                for (int due = dueByNow(now - start); opened < due; opened++) {
                    connections[opened] = AnswerConnection.open(selector, figures, request, target);
                }
                selector.select(key -> ((AnswerConnection) key.attachment()).onReady(readBuffer),
                        opened < answers ? 1 : 50);
                boolean allOpenFirstTime = figures.open == answers && figures.peakOpen < answers;
                if (appPid > 0 && (allOpenFirstTime || System.nanoTime() >= nextSample)) {
                    figures.sampleResident(ProcStats.residentBytes(appPid));
                    nextSample = System.nanoTime() + SAMPLE_EVERY_NANOS;
                }
            }
            for (int i = 0; i < answers; i++) {
                if (i >= opened) {
                    figures.failure("never opened");
                } else if (connections[i] != null && !connections[i].finished()) {
                    connections[i].timeOut();
                }
            }
        }
        return figures;
    }

    /** How many answers should have been opened after this much of the ramp-up. */
    private int dueByNow(long elapsed) {
        if (rampNanos <= 0 || elapsed >= rampNanos) {
            return answers;
        }
        return (int) Math.min(answers, 1 + elapsed * answers / rampNanos);
    }
}
