package dev.claudesse.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The benchmark's load client, run as its own process: waits for the relay to answer, sets BenchClaude's
 * answer shape, runs unmeasured warm-up answers for a set time, then opens C concurrent answers (or runs C
 * clients in a closed loop) and prints a table and one JSON line (see docs/performance.md). Stops by itself
 * when every answer ended or the time bound passed. The relay is the WAR or a peer (--relay node): both take
 * POST /api/chat {"message"} and answer with chunk events and a done event.
 *
 * <pre>java -cp ... dev.claudesse.bench.LoadClient --level c1000 --url http://127.0.0.1:8080
 *     --fake-url http://127.0.0.1:PORT --app-pid PID [--relay war|node --answers N --deltas N --size B
 *     --interval-ms I --ramp-ms R --warmup-seconds W --seconds S --timeout-ms T --direct --json-out FILE]</pre>
 */
public final class LoadClient {

    private static final Pattern PID = Pattern.compile("\"pid\":(\\d+)");
    /** Warm-up answers are short, so that the once-per-answer code runs often enough to be compiled too. */
    private static final int WARMUP_DELTAS = 20;
    private static final long WARMUP_INTERVAL_MILLIS = 5;
    private static final int WARMUP_ROUND = 500;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public static void main(String[] args) throws Exception {
        LoadOptions options = LoadOptions.parse(args);
        LoadReport report = new LoadClient().run(options);
        System.out.print(report.table());
        System.out.println(report.toJson());
        if (options.jsonOut() != null) {
            Files.writeString(Path.of(options.jsonOut()), report.toJson() + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
        System.exit(0);
    }

    LoadReport run(LoadOptions options) throws IOException, InterruptedException {
        LoadTarget target = LoadTarget.of(options.url(), options.direct());
        if (!options.direct()) {
            awaitHealth(options.url(), options.waitHealthSeconds(), options.healthNeeds200(), options.appPid());
        }
        // Before the warm-up, which itself loads the machine: this tells whether other work was running.
        Double loadAverage = ProcStats.loadAverage();
        long fakePid = 0;
        if (options.warmupSeconds() > 0) {
            fakePid = configureFake(options.fakeUrl(),
                    new StreamShape(WARMUP_DELTAS, options.size(), WARMUP_INTERVAL_MILLIS));
            warmUp(target, options.warmupSeconds());
        }
        fakePid = configureFake(options.fakeUrl(), options.shape());
        if (options.warmupSeconds() > 0) {
            Thread.sleep(2_000); // let the relay settle (and its GC catch up) before the idle reading
        }
        long idleResident = options.appPid() > 0 ? ProcStats.residentBytes(options.appPid()) : -1;
        Resources before = Resources.now(options.appPid(), fakePid);
        long start = System.nanoTime();
        RunFigures figures;
        Integer completedInTime = null;
        if (options.closedLoop()) {
            ClosedLoopRun loop = new ClosedLoopRun(target, options.answers(), options.rampMillis(),
                    options.closedLoopSeconds() * 1_000L, options.timeoutMillis(), options.appPid());
            figures = loop.run();
            completedInTime = loop.completedInTime;
        } else {
            figures = new LoadRun(target, options.answers(), options.rampMillis(), options.timeoutMillis(),
                    options.appPid()).run();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Resources after = Resources.now(options.appPid(), fakePid);
        return LoadReport.of(options, figures, before, after, idleResident, seconds, loadAverage, completedInTime);
    }

    /**
     * Unmeasured answers in rounds of at most WARMUP_ROUND at a time, until the time is up (the last round
     * finishes). By time, not by count, so that a slower relay gets as long as a faster one: the JIT compiles a
     * method after thousands of calls, and a measured level starts up to thousands of answers; a short warm-up
     * leaves the per-answer code (accepting, the upstream request, saving) to be compiled inside the measured run.
     */
    private static void warmUp(LoadTarget target, int seconds) throws IOException {
        long start = System.nanoTime();
        long end = start + seconds * 1_000_000_000L;
        int completed = 0;
        int failed = 0;
        while (System.nanoTime() < end) {
            RunFigures round = new LoadRun(target, WARMUP_ROUND, 250, 60_000, 0).run();
            completed += round.completed;
            failed += round.failed;
        }
        System.err.printf("warm-up: %d completed, %d failed in %.1f s%n", completed, failed,
                (System.nanoTime() - start) / 1e9);
    }

    /** Sets the fake's default answer shape (the app does not forward our headers) and returns its pid. */
    long configureFake(String fakeUrl, StreamShape shape) throws IOException, InterruptedException {
        if (fakeUrl == null) {
            return 0; // the fake was started with the right shape already
        }
        HttpRequest request = HttpRequest.newBuilder(URI.create(stripSlash(fakeUrl) + "/bench/config"))
                .header(StreamShape.DELTAS, String.valueOf(shape.deltas()))
                .header(StreamShape.SIZE, String.valueOf(shape.size()))
                .header(StreamShape.INTERVAL, String.valueOf(shape.intervalMillis()))
                .POST(HttpRequest.BodyPublishers.noBody()).build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        Matcher pid = PID.matcher(response.body());
        if (response.statusCode() != 200 || !pid.find()) {
            throw new IOException("BenchClaude did not accept its configuration: " + response.body());
        }
        return Long.parseLong(pid.group(1));
    }

    void awaitHealth(String url, int seconds) throws IOException, InterruptedException {
        awaitHealth(url, seconds, true, 0);
    }

    /**
     * Waits for a 200 from GET /api/health, or, without needs200, for any HTTP answer to it. Gives up at once
     * when the relay's process (appPid above 0) has exited: a peer's first start may take minutes (npm ci), and
     * a failed one should not make us wait all of them.
     */
    void awaitHealth(String url, int seconds, boolean needs200, long appPid) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(stripSlash(url) + "/api/health"))
                .timeout(Duration.ofSeconds(5)).GET().build();
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (true) {
            try {
                int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status == 200 || !needs200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            if (appPid > 0 && ProcessHandle.of(appPid).map(p -> !p.isAlive()).orElse(true)) {
                throw new IOException("the relay (pid " + appPid + ") exited before " + url + " answered");
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("no " + (needs200 ? "200" : "answer") + " from " + url + "/api/health within "
                        + seconds + " s");
            }
            Thread.sleep(200);
        }
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
