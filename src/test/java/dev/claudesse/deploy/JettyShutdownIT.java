package dev.claudesse.deploy;

import dev.claudesse.fake.FakeClaude;
import dev.claudesse.testsupport.Distributions;
import dev.claudesse.testsupport.EventStreamReader;
import dev.claudesse.testsupport.JettyServer;
import dev.claudesse.testsupport.PostgresServer;
import dev.claudesse.testsupport.SavedMessages;
import dev.claudesse.testsupport.ServerLogOnFailure;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Stopping the Jetty distribution (SIGTERM) while a browser is mid-answer: the browser gets the same
 * terminal retryable error as on Tomcat, and the partial answer is saved as interrupted in PostgreSQL.
 */
class JettyShutdownIT {

    static FakeClaude fake;
    static JettyServer jetty;
    static SavedMessages saved;

    @RegisterExtension
    static final ServerLogOnFailure showLog = new ServerLogOnFailure(() -> jetty == null ? null : jetty.process());

    @BeforeAll
    static void start() throws Exception {
        PostgresServer postgres = PostgresServer.shared();
        String database = postgres.createDatabase();
        saved = new SavedMessages(postgres.dataSource(database));
        fake = FakeClaude.start();
        jetty = JettyServer.start("jetty-shutdown",
                Map.of("ANTHROPIC_API_KEY", "sk-ant-test-shutdown", "ANTHROPIC_BASE_URL", fake.baseUrl().toString(),
                        // the answer's Claude never ends: it runs through a short drain, then ends as before
                        "CLAUDE_SSE_DRAIN_SECONDS", "1"),
                DeployedWarContract.jdbcProperties(postgres, database), List.of(Distributions.postgresDriverJar()));
    }

    @AfterAll
    static void stop() throws Exception {
        if (jetty != null) {
            jetty.close();
        }
        fake.close();
    }

    @Test
    void stoppingJettyEndsTheAnswerWithARetryableError() throws Exception {
        EventStreamReader stream = ShutdownChecks.answerInFlight(fake, jetty.baseUri());
        assertTrue(jetty.process().stopGracefully(Duration.ofSeconds(30)), "Jetty did not stop within 30 s");

        // the app's shutdown ran: the partial answer is saved as interrupted (its log lines may be lost, as the
        // JDK resets logging in its own shutdown hook)
        ShutdownChecks.assertEndsWithShutdownError(stream, saved);
    }
}
