package dev.claudesse.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A server (Tomcat, Jetty, nginx) running as a child process, its output in a log file. It starts
 * with a clean environment: none of the developer's ANTHROPIC_, CLAUDE_SSE_, CATALINA_ or JAVA_
 * variables leak into it, only what the test passes.
 */
public final class ServerProcess implements AutoCloseable {

    private static final List<String> INHERITED_PREFIXES_DROPPED =
            List.of("ANTHROPIC_", "CLAUDE_SSE_", "CATALINA_", "JAVA_", "JRE_HOME", "JDK_JAVA_OPTIONS", "JETTY_");

    private final String name;
    private final Process process;
    private final Path log;

    private ServerProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    public static ServerProcess start(String name, List<String> command, Path workDir, Map<String, String> env,
                                      Path log) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().keySet().removeIf(key -> INHERITED_PREFIXES_DROPPED.stream().anyMatch(key::startsWith));
        builder.environment().putAll(env);
        return new ServerProcess(name, builder.start(), log);
    }

    /** Polls the URL until it answers 200; fails with the server's log if it does not in time. */
    public void awaitOk(URI url, Duration timeout) throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError(name + " exited with " + process.exitValue() + " before " + url
                        + " answered\n" + logText());
            }
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(2))
                        .build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return;
                }
                last = response.statusCode() + " " + response.body();
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(100);
        }
        throw new AssertionError(name + ": " + url + " did not answer 200 within " + timeout + " (last: " + last
                + ")\n" + logText());
    }

    public String logText() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path logFile() {
        return log;
    }

    /** The process's id: catalina.sh run and java -jar start.jar both end up as this very process. */
    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Asks the server to stop (SIGTERM: its shutdown hook runs) and waits; true if it exited in time. */
    public boolean stopGracefully(Duration timeout) throws InterruptedException {
        process.destroy();
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Kills whatever is left of the process tree. */
    @Override
    public void close() throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public String toString() {
        return name + " (pid " + process.pid() + ", log " + log + ")";
    }
}
