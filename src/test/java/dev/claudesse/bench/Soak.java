package dev.claudesse.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The soak of docs/performance.md (bench/run soak): waves of C concurrent answers, one after another, for
 * a number of minutes, with the app's heap after a full GC, resident memory, threads and open files read
 * once a minute. Memory must stop growing once the replay window has passed (ended answers then leave as
 * fast as new ones end), and threads and open files must stay flat throughout.
 *
 * <pre>java -cp ... dev.claudesse.bench.Soak --url http://127.0.0.1:8080 --fake-url http://127.0.0.1:PORT
 *     --app-pid PID [--minutes 15 --answers 300 --deltas 50 --interval-ms 100 --replay-seconds 600]</pre>
 */
public final class Soak {

    /** One reading of the app. */
    record Sample(double minute, long heapAfterGc, long resident, long threads, long openFiles, long answers,
                  long failed) {
    }

    public static void main(String[] args) throws Exception {
        String url = arg(args, "--url", null);
        String fakeUrl = arg(args, "--fake-url", null);
        long pid = Long.parseLong(arg(args, "--app-pid", "0"));
        int minutes = Integer.parseInt(arg(args, "--minutes", "15"));
        int answers = Integer.parseInt(arg(args, "--answers", "300"));
        int deltas = Integer.parseInt(arg(args, "--deltas", "50"));
        long interval = Long.parseLong(arg(args, "--interval-ms", "100"));
        long replaySeconds = Long.parseLong(arg(args, "--replay-seconds", "600"));

        LoadClient client = new LoadClient();
        client.awaitHealth(url, 120);
        client.configureFake(fakeUrl, new StreamShape(deltas, 48, interval));
        LoadTarget target = LoadTarget.of(url, false);
        List<Sample> samples = new ArrayList<>();
        long start = System.nanoTime();
        long end = start + TimeUnit.MINUTES.toNanos(minutes);
        long nextSample = start;
        long completed = 0;
        long failed = 0;
        System.out.printf("soak: %d min of waves of %d answers (%d deltas at %d ms), replay window %d s%n",
                minutes, answers, deltas, interval, replaySeconds);
        System.out.println("minute  heap after GC  resident  threads  open files  answers  failed");
        while (true) {
            long now = System.nanoTime();
            if (now >= nextSample) {
                Sample sample = new Sample((now - start) / 60e9, heapAfterGc(pid), ProcStats.residentBytes(pid),
                        ProcStats.threads(pid), ProcStats.openFiles(pid), completed, failed);
                samples.add(sample);
                System.out.printf("%6.1f  %10.1f MB  %6.1f MB  %7d  %10d  %7d  %6d%n", sample.minute(),
                        mb(sample.heapAfterGc()), mb(sample.resident()), sample.threads(), sample.openFiles(),
                        sample.answers(), sample.failed());
                nextSample += TimeUnit.MINUTES.toNanos(1);
            }
            if (now >= end) {
                break;
            }
            RunFigures wave = new LoadRun(target, answers, 1_000, 120_000, 0).run();
            completed += wave.completed;
            failed += wave.failed;
        }
        verdict(samples, replaySeconds / 60.0, failed);
        System.exit(0);
    }

    /** Growth after the replay window, first reading past it to the last, for the table and the docs. */
    private static void verdict(List<Sample> samples, double windowMinutes, long failed) {
        Sample first = samples.stream().filter(s -> s.minute() >= windowMinutes + 1).findFirst().orElse(null);
        Sample last = samples.getLast();
        if (first == null || first == last) {
            System.out.println("soak: too short to pass the replay window; no verdict");
            return;
        }
        System.out.printf("soak: from minute %.1f to %.1f: heap after GC %+.1f MB, resident %+.1f MB, threads %+d,"
                        + " open files %+d; %d answers failed%n", first.minute(), last.minute(),
                mb(last.heapAfterGc() - first.heapAfterGc()), mb(last.resident() - first.resident()),
                last.threads() - first.threads(), last.openFiles() - first.openFiles(), failed);
    }

    /** jcmd GC.run then GC.heap_info's "used", in bytes; -1 when jcmd cannot tell. */
    private static long heapAfterGc(long pid) {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        try {
            run(jcmd.toString(), Long.toString(pid), "GC.run");
            Matcher used = Pattern.compile("used (\\d+)K").matcher(run(jcmd.toString(), Long.toString(pid), "GC.heap_info"));
            return used.find() ? Long.parseLong(used.group(1)) * 1024 : -1;
        } catch (IOException | InterruptedException e) {
            return -1;
        }
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes());
        process.waitFor();
        return out;
    }

    private static double mb(long bytes) {
        return bytes / 1048576.0;
    }

    private static String arg(String[] args, String name, String fallback) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        if (fallback == null) {
            throw new IllegalArgumentException(name + " is required");
        }
        return fallback;
    }
}
