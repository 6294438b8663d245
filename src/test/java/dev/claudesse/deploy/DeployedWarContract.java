package dev.claudesse.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.claudesse.fake.FakeClaude;
import dev.claudesse.fake.Gate;
import dev.claudesse.fake.Script;
import dev.claudesse.fake.TranscriptFacts;
import dev.claudesse.testsupport.AppServer;
import dev.claudesse.testsupport.Browser;
import dev.claudesse.testsupport.EventStreamReader;
import dev.claudesse.testsupport.ResumeScenario;
import dev.claudesse.testsupport.EventStreamReader.Event;
import dev.claudesse.testsupport.PostgresServer;
import dev.claudesse.testsupport.SavedMessages;
import dev.claudesse.testsupport.ServerLogOnFailure;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static dev.claudesse.testsupport.Events.json;
import static dev.claudesse.testsupport.Events.last;
import static dev.claudesse.testsupport.Events.text;
import static dev.claudesse.testsupport.Events.types;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What must hold for the built WAR, unchanged, on a real servlet container configured by the project's
 * conf/ file for it: answers stream (and are not buffered), resume, stop, and are saved in PostgreSQL
 * through the container's JNDI DataSource. Each subclass starts its container once for all these tests.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class DeployedWarContract {

    static final String KEY = "sk-ant-test-DEPLOYED-7777";
    static final Duration T = Duration.ofSeconds(10);

    FakeClaude fake;
    AppServer server;
    SavedMessages saved;
    Browser browser;

    @RegisterExtension
    final ServerLogOnFailure showLog = new ServerLogOnFailure(() -> server == null ? null : server.process());

    /**
     * Starts the container with the WAR and the PostgreSQL driver in its lib. Settings reach the app
     * through this environment; the JDBC URL through the system properties the conf/ file reads.
     */
    abstract AppServer startServer(Map<String, String> env, Map<String, String> properties) throws Exception;

    /** The name the container's conf/ file binds the DataSource under. */
    abstract String jndiName();

    @BeforeAll
    void start() throws Exception {
        PostgresServer postgres = PostgresServer.shared();
        String database = postgres.createDatabase();
        saved = new SavedMessages(postgres.dataSource(database));
        fake = FakeClaude.start();
        server = startServer(Map.of("ANTHROPIC_API_KEY", KEY, "ANTHROPIC_BASE_URL", fake.baseUrl().toString()),
                jdbcProperties(postgres, database));
    }

    /** What conf/tomcat/context.xml and conf/jetty/claude-sse.xml read; the test cluster trusts user claude. */
    static Map<String, String> jdbcProperties(PostgresServer postgres, String database) {
        return Map.of("claude.sse.jdbc.url", postgres.jdbcUrl(database),
                "claude.sse.jdbc.user", PostgresServer.USER,
                "claude.sse.jdbc.password", "unused-with-trust-auth");
    }

    @AfterAll
    void stop() throws Exception {
        if (server != null) {
            String log = server.process().logText();
            server.close();
            assertFalse(log.contains(KEY), "the API key appeared in the server's log");
        }
        fake.close();
    }

    @BeforeEach
    void newBrowser() {
        browser = new Browser(server.baseUri());
    }

    @Test
    void healthSeesTheConfiguredUpstream() throws Exception {
        var response = browser.send("GET", "api/health", null, null);
        assertEquals(200, response.statusCode());
        assertEquals("claude", json(response.body()).path("upstream").asText(), response.body());
        assertEquals("ok", json(response.body()).path("store").asText(), response.body());
    }

    @Test
    void answersAreSavedInPostgresqlThroughTheContainersJndiDataSource() throws Exception {
        TranscriptFacts facts = TranscriptFacts.of("plain_text");
        fake.enqueue(Script.transcript("plain_text"));
        String messageId;
        try (EventStreamReader stream = browser.chat("{\"message\":\"hi\"}")) {
            List<Event> events = stream.readToEnd(T);
            assertEquals("done", last(events).type());
            messageId = json(events.get(0)).path("messageId").asText();
        }
        assertEquals(facts.text(), saved.await(messageId, "complete", T).content());
        assertTrue(server.process().logText().contains("JNDI DataSource " + jndiName() + ", PostgreSQL"),
                "the app said which store it uses");
    }

    @Test
    void anAnswerStreamsTheExactTextOfTheTranscriptUncompressed() throws Exception {
        TranscriptFacts facts = TranscriptFacts.of("plain_text");
        fake.enqueue(Script.transcript("plain_text"));
        try (EventStreamReader stream = browser.chat("{\"message\":\"hi\"}")) {
            assertEquals(200, stream.status());
            assertEquals("text/event-stream;charset=UTF-8",
                    stream.headers().firstValue("content-type").orElseThrow().replace(" ", ""));
            assertTrue(stream.headers().firstValue("content-encoding").isEmpty());
            List<Event> events = stream.readToEnd(T);
            assertEquals(facts.text(), text(events));
            assertEquals("start", events.get(0).type());
            assertEquals(List.of("cost", "done"), types(events).subList(types(events).size() - 2, types(events).size()));
            assertEquals(facts.stopReason(), json(last(events)).path("stopReason").asText());
        }
    }

    @Test
    void eachChunkReachesTheBrowserBeforeClaudeSendsTheNext() throws Exception {
        Gate gate = new Gate();
        fake.enqueue(Script.transcript("long_text").gated(gate, 2));
        try (EventStreamReader stream = browser.chat("{\"message\":\"hi\"}")) {
            assertEquals("start", stream.nextNonPing(T).type());
            for (int i = 1; i <= 3; i++) {
                gate.release();
                assertEquals("chunk", stream.nextNonPing(T).type());
                assertTrue(gate.sent() <= 2 + i, "the container passed the chunk on before the next was sent");
            }
            gate.open();
            assertEquals("done", last(stream.readToEnd(T)).type());
        }
    }

    @Test
    void resumeWithLastEventIdReplaysThenFollowsLive() throws Exception {
        List<Event> seen = ResumeScenario.run(browser, fake, 3, 3, T).events();
        assertEquals(TranscriptFacts.of("long_text").text(), text(seen));
        assertEquals("done", last(seen).type());
    }

    @Test
    void stopClosesTheUpstreamWithinASecond() throws Exception {
        Gate gate = new Gate();
        fake.enqueue(Script.transcript("long_text").gated(gate, 2));
        try (EventStreamReader stream = browser.chat("{\"message\":\"hi\"}")) {
            String messageId = json(stream.nextNonPing(T)).path("messageId").asText();
            gate.release(2);
            assertEquals("chunk", stream.nextNonPing(T).type());
            assertEquals("chunk", stream.nextNonPing(T).type());
            Instant asked = Instant.now();
            var response = browser.stop(messageId);
            Instant closed = fake.awaitClientClose(Duration.ofSeconds(2));
            long millis = Duration.between(asked, closed).toMillis();
            assertTrue(millis < 1000, "upstream closed " + millis + " ms after stop");
            assertEquals(200, response.statusCode());
            JsonNode body = json(response.body());
            assertEquals("stopped", body.path("state").asText(), response.body());
            List<Event> rest = stream.readToEnd(T);
            assertEquals(List.of("cost", "done"), types(rest));
            assertEquals("stopped", json(last(rest)).path("stopReason").asText());
        }
    }
}
