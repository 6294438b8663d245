package dev.claudesse.deploy;

import dev.claudesse.testsupport.Browser;
import dev.claudesse.testsupport.Distributions;
import dev.claudesse.testsupport.EventStreamReader;
import dev.claudesse.testsupport.PostgresServer;
import dev.claudesse.testsupport.ProcessRun;
import dev.claudesse.testsupport.ServerLogOnFailure;
import dev.claudesse.testsupport.TomcatServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.claudesse.testsupport.Events.last;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The memory attack of issue 11 on the real Tomcat distribution with a small heap (96 MB): cookie-less
 * requests, each a new owner, each with a 1 MiB message, all answered (by the demo upstream) and kept for
 * resume. Before, every ended answer held its whole request for the replay window and the heap ran out
 * after some 60 of them; now the server answers all 150 and the heap after a full GC stays small.
 */
class MemoryAttackIT {

    static final int REQUESTS = 150;
    static final int MESSAGE_CHARS = 1_000_000;
    static final long MAX_HEAP_AFTER_GC = 48L * 1024 * 1024;

    static TomcatServer tomcat;

    @RegisterExtension
    static final ServerLogOnFailure showLog = new ServerLogOnFailure(() -> tomcat == null ? null : tomcat.process());

    @BeforeAll
    static void start() throws Exception {
        PostgresServer postgres = PostgresServer.shared();
        String database = postgres.createDatabase();
        tomcat = TomcatServer.start(Distributions.tomcatHome(), "tomcat-memory",
                Map.of("CLAUDE_SSE_DEMO_DELAY_MS", "0"),
                DeployedWarContract.jdbcProperties(postgres, database), List.of(Distributions.postgresDriverJar()),
                "96m");
    }

    @AfterAll
    static void stop() throws Exception {
        if (tomcat != null) {
            tomcat.close();
        }
    }

    @Test
    void cookieLessRequestsWithHugeMessagesCannotFillTheHeap() throws Exception {
        String body = "{\"message\":\"" + "x".repeat(MESSAGE_CHARS) + "\"}";
        for (int i = 1; i <= REQUESTS; i++) {
            try (EventStreamReader stream = new Browser(tomcat.baseUri()).chat(body)) { // a new owner each time
                assertEquals(200, stream.status(), "request " + i + " was refused");
                assertEquals("done", last(stream.readToEnd(Duration.ofSeconds(30))).type(), "request " + i);
            }
        }
        var health = new Browser(tomcat.baseUri()).send("GET", "api/health", null, null);
        assertEquals(200, health.statusCode(), "the server stopped answering: " + health.body());
        long used = heapUsedAfterFullGc();
        System.out.printf("[memory-attack] %d requests of %d chars: heap used after a full GC %.1f MB%n",
                REQUESTS, MESSAGE_CHARS, used / 1048576.0);
        assertTrue(used < MAX_HEAP_AFTER_GC, "heap after GC " + used / 1048576 + " MB holds the ended answers' requests");
        assertTrue(!tomcat.process().logText().contains("OutOfMemoryError"), "the server ran out of memory");
    }

    /** jcmd GC.run, then the "used" of GC.heap_info, in bytes. */
    private static long heapUsedAfterFullGc() throws Exception {
        Path jcmd = Distributions.javaHome().resolve("bin/jcmd");
        String pid = Long.toString(tomcat.process().pid());
        Path out = Files.createTempFile("heap", ".txt");
        assertEquals(0, ProcessRun.run("jcmd", List.of(jcmd.toString(), pid, "GC.run"), Path.of("."), Map.of(),
                Duration.ofSeconds(60)));
        ProcessBuilder info = new ProcessBuilder(jcmd.toString(), pid, "GC.heap_info").redirectErrorStream(true)
                .redirectOutput(out.toFile());
        assertEquals(0, info.start().waitFor());
        String text = Files.readString(out);
        Matcher used = Pattern.compile("used (\\d+)K").matcher(text);
        assertTrue(used.find(), "no heap figures in:\n" + text);
        return Long.parseLong(used.group(1)) * 1024;
    }
}
