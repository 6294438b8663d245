package dev.claudesse.testsupport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs an external command (node, npm) to its end: output goes to the console with a prefix and to a
 * log file under target/, and a command that outlives its time limit is killed with its children.
 */
public final class ProcessRun {

    private ProcessRun() {
    }

    /** The exit code; -1 when the time limit ended it. */
    public static int run(String name, List<String> command, Path dir, Map<String, String> env, Duration limit)
            throws IOException, InterruptedException {
        Path log = Path.of("target", "js-logs", name + ".log");
        Files.createDirectories(log.getParent());
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        builder.environment().putAll(env);
        Process process = builder.start();
        Thread pump = Thread.ofVirtual().start(() -> copy(process, name, log));
        boolean ended = process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
        if (!ended) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
        pump.join(Duration.ofSeconds(5));
        System.out.println("[" + name + "] full output: " + log.toAbsolutePath());
        return ended ? process.exitValue() : -1;
    }

    private static void copy(Process process, String name, Path log) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
             PrintWriter out = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                out.println(line);
                System.out.println("[" + name + "] " + line);
            }
        } catch (IOException e) {
            System.out.println("[" + name + "] output lost: " + e.getMessage());
        }
    }
}
