package dev.claudesse.deploy;

import dev.claudesse.fake.FakeClaude;
import dev.claudesse.testsupport.Browser;
import dev.claudesse.testsupport.Distributions;
import dev.claudesse.testsupport.EventStreamReader;
import dev.claudesse.testsupport.PostgresServer;
import dev.claudesse.testsupport.SavedMessages;
import dev.claudesse.testsupport.ServerLogOnFailure;
import dev.claudesse.testsupport.TomcatServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Undeploying the WAR, and then stopping Tomcat, while browsers are mid-answer: every browser gets a
 * terminal retryable error, the partial answers are saved as interrupted in PostgreSQL, and Tomcat finds
 * no leaked thread or memory leak. One Tomcat: undeploy first, redeploy, then stop it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TomcatShutdownIT {

    static final Duration T = ShutdownChecks.T;
    /** What Tomcat logs when a webapp leaves a thread running or a driver/ThreadLocal behind. */
    static final List<String> LEAK_WARNINGS = List.of("appears to have started a thread named",
            "memory leak", "failed to unregister it", "failed to stop it");

    static FakeClaude fake;
    static TomcatServer tomcat;
    static SavedMessages saved;

    @RegisterExtension
    static final ServerLogOnFailure showLog = new ServerLogOnFailure(() -> tomcat == null ? null : tomcat.process());

    @BeforeAll
    static void start() throws Exception {
        PostgresServer postgres = PostgresServer.shared();
        String database = postgres.createDatabase();
        saved = new SavedMessages(postgres.dataSource(database));
        fake = FakeClaude.start();
        tomcat = TomcatServer.start("tomcat-shutdown",
                Map.of("ANTHROPIC_API_KEY", "sk-ant-test-shutdown", "ANTHROPIC_BASE_URL", fake.baseUrl().toString(),
                        // the answer's Claude never ends: it runs through a short drain, then ends as before
                        "CLAUDE_SSE_DRAIN_SECONDS", "1"),
                DeployedWarContract.jdbcProperties(postgres, database), List.of(Distributions.postgresDriverJar()));
    }

    @AfterAll
    static void stop() throws Exception {
        if (tomcat != null) {
            tomcat.close();
        }
        fake.close();
    }

    @Test
    @Order(1)
    void undeployEndsEveryAnswerWithARetryableErrorAndLeaksNothing() throws Exception {
        List<EventStreamReader> streams = List.of(answerInFlight(), answerInFlight());
        int logBefore = tomcat.process().logText().length();

        tomcat.undeploy();

        for (EventStreamReader stream : streams) {
            assertEndsWithShutdownError(stream);
        }
        awaitStatus(404);
        String log = awaitLogAfter(logBefore, "claude-sse stopped");
        assertNoLeakWarnings(log);
    }

    @Test
    @Order(2)
    void stoppingTomcatEndsTheAnswerWithARetryableErrorAndLeaksNothing() throws Exception {
        tomcat.deploy();
        tomcat.process().awaitOk(tomcat.baseUri().resolve("api/health"), Duration.ofSeconds(30));
        EventStreamReader stream = answerInFlight();
        int logBefore = tomcat.process().logText().length();

        assertTrue(tomcat.process().stopGracefully(Duration.ofSeconds(30)), "Tomcat did not stop within 30 s");

        assertEndsWithShutdownError(stream);
        String log = tomcat.process().logText().substring(logBefore);
        assertTrue(log.contains("claude-sse stopped"), "the app's shutdown ran:\n" + log);
        assertNoLeakWarnings(log);
    }

    private EventStreamReader answerInFlight() throws Exception {
        return ShutdownChecks.answerInFlight(fake, tomcat.baseUri());
    }

    private static void assertEndsWithShutdownError(EventStreamReader stream) throws Exception {
        ShutdownChecks.assertEndsWithShutdownError(stream, saved);
    }

    private static void awaitStatus(int status) throws Exception {
        Browser browser = new Browser(tomcat.baseUri());
        long deadline = System.nanoTime() + T.toNanos();
        int last = -1;
        while (System.nanoTime() < deadline) {
            HttpResponse<String> response = browser.send("GET", "api/health", null, null);
            last = response.statusCode();
            if (last == status) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("api/health still answers " + last + ", expected " + status);
    }

    /** The log written since `from`, once it contains the marker (Tomcat logs asynchronously). */
    private static String awaitLogAfter(int from, String marker) throws Exception {
        long deadline = System.nanoTime() + T.toNanos();
        String log = "";
        while (System.nanoTime() < deadline) {
            log = tomcat.process().logText().substring(from);
            if (log.contains(marker)) {
                Thread.sleep(1000); // the undeploy's later lines, leak warnings included
                return tomcat.process().logText().substring(from);
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the log never said " + marker + ":\n" + log);
    }

    private static void assertNoLeakWarnings(String log) {
        for (String warning : LEAK_WARNINGS) {
            assertFalse(log.contains(warning), "Tomcat warned '" + warning + "':\n" + log);
        }
    }
}
