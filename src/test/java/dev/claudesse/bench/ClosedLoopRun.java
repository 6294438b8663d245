package dev.claudesse.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.List;

/**
 * C clients in a closed loop, all on one selector thread: each opens its next answer the moment its previous one
 * ended, for a fixed time, so the answers per second are what the relay completes, not what we offered. The
 * first C answers are spread over the ramp-up, as in {@link LoadRun}. When the time is up no new answer starts;
 * those in flight may finish within the grace time, and the rest fail as timeouts. Answers per second count only
 * the answers completed within the measured time.
 */
final class ClosedLoopRun {

    private static final long SAMPLE_EVERY_NANOS = 250_000_000L;

    private final LoadTarget target;
    private final int clients;
    private final long rampNanos;
    private final long runNanos;
    private final long graceNanos;
    private final long appPid;

    /** Answers completed when the measured time ended. */
    int completedInTime;

    ClosedLoopRun(LoadTarget target, int clients, long rampMillis, long runMillis, long graceMillis, long appPid) {
        this.target = target;
        this.clients = clients;
        this.rampNanos = rampMillis * 1_000_000L;
        this.runNanos = runMillis * 1_000_000L;
        this.graceNanos = graceMillis * 1_000_000L;
        this.appPid = appPid;
    }

    RunFigures run() throws IOException {
        RunFigures figures = new RunFigures();
        List<AnswerConnection> live = new ArrayList<>();
        ByteBuffer readBuffer = ByteBuffer.allocate(64 * 1024);
        byte[] request = target.request();
        long start = System.nanoTime();
        long nextSample = start;
        long started = 0;
        boolean timeUp = false;
        try (Selector selector = Selector.open()) {
            while (true) {
                long elapsed = System.nanoTime() - start;
                if (!timeUp && elapsed >= runNanos) {
                    timeUp = true;
                    completedInTime = figures.completed;
                }
                long inFlight = started - figures.completed - figures.failed;
                if (timeUp && (inFlight == 0 || elapsed >= runNanos + graceNanos)) {
                    break;
                }
                if (!timeUp) {
                    for (long due = Math.min(clients, dueByNow(elapsed)); inFlight < due; inFlight++, started++) {
                        AnswerConnection answer = AnswerConnection.open(selector, figures, request, target);
                        if (answer != null) {
                            live.add(answer);
                        }
                    }
                }
                // An answer that ends does so inside select, and the loop opens the next one right after it.
                selector.select(key -> ((AnswerConnection) key.attachment()).onReady(readBuffer),
                        elapsed < rampNanos ? 1 : 50);
                if (System.nanoTime() >= nextSample) {
                    // Dropping ended answers here keeps the list at about C, however many answers the loop runs.
                    live.removeIf(AnswerConnection::finished);
                    if (appPid > 0) {
                        figures.sampleResident(ProcStats.residentBytes(appPid));
                    }
                    nextSample = System.nanoTime() + SAMPLE_EVERY_NANOS;
                }
            }
            for (AnswerConnection answer : live) {
                if (!answer.finished()) {
                    answer.timeOut();
                }
            }
        }
        return figures;
    }

    /** How many clients should have started after this much of the ramp-up. */
    private long dueByNow(long elapsed) {
        if (rampNanos <= 0 || elapsed >= rampNanos) {
            return clients;
        }
        return 1 + elapsed * clients / rampNanos;
    }
}
