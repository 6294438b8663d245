package dev.claudesse.deploy;

import dev.claudesse.fake.FakeClaude;
import dev.claudesse.fake.Script;
import dev.claudesse.testsupport.Browser;
import dev.claudesse.testsupport.Distributions;
import dev.claudesse.testsupport.EventStreamReader;
import dev.claudesse.testsupport.PostgresServer;
import dev.claudesse.testsupport.ServerLogOnFailure;
import dev.claudesse.testsupport.TomcatServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.claudesse.testsupport.Events.json;
import static dev.claudesse.testsupport.Events.last;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three deployments of the WAR on one Tomcat 11 distribution (issue 11, item 3): ROOT on PostgreSQL (the
 * shipped context.xml), /chat and /team on their defaults, the embedded H2. Each gets a data directory of
 * its own, so both H2 deployments start (before, the second failed on the first one's database file) and
 * no deployment's spool is ever drained into another's database.
 */
class TwoDeploymentsIT {

    static final Duration T = Duration.ofSeconds(30);
    static FakeClaude fake;
    static TomcatServer tomcat;

    @RegisterExtension
    static final ServerLogOnFailure showLog = new ServerLogOnFailure(() -> tomcat == null ? null : tomcat.process());

    @BeforeAll
    static void start() throws Exception {
        PostgresServer postgres = PostgresServer.shared();
        String database = postgres.createDatabase();
        fake = FakeClaude.start();
        tomcat = TomcatServer.start("tomcat-three-deployments",
                Map.of("ANTHROPIC_API_KEY", "sk-ant-test-three", "ANTHROPIC_BASE_URL", fake.baseUrl().toString()),
                DeployedWarContract.jdbcProperties(postgres, database), List.of(Distributions.postgresDriverJar()));
        tomcat.deployAlso("chat");
        tomcat.deployAlso("team");
    }

    @AfterAll
    static void stop() throws Exception {
        if (tomcat != null) {
            tomcat.close();
        }
        fake.close();
    }

    @Test
    void everyDeploymentStartsAndKeepsItsOwnDataDirectory() throws Exception {
        for (String path : List.of("", "chat/", "team/")) {
            URI app = tomcat.baseUri().resolve(path);
            tomcat.process().awaitOk(app.resolve("api/health"), T);
            fake.enqueue(Script.transcript("plain_text"));
            try (EventStreamReader stream = new Browser(app).chat("{\"message\":\"hi from /" + path + "\"}")) {
                assertEquals(200, stream.status(), path);
                assertEquals("done", last(stream.readToEnd(T)).type(), path);
            }
        }
        Path data = tomcat.base().resolve("data/claude-sse");
        assertTrue(Files.isDirectory(data.resolve("ROOT")), "ROOT's own directory");
        assertTrue(Files.exists(data.resolve("chat/claude.mv.db")), "/chat's own H2 file");
        assertTrue(Files.exists(data.resolve("team/claude.mv.db")), "/team's own H2 file");
        assertFalse(Files.exists(data.resolve("claude.mv.db")), "no database file shared by every deployment");
        String log = tomcat.process().logText();
        assertTrue(log.contains(data.resolve("chat").toString()) && log.contains(data.resolve("team").toString()), log);
        assertFalse(log.contains("SEVERE"), "a deployment failed:\n" + log);
        // each H2 deployment saved its own conversation only
        for (String path : List.of("chat/", "team/")) {
            var list = new Browser(tomcat.baseUri().resolve(path)).send("GET", "api/conversations", null, null);
            assertEquals(200, list.statusCode(), path);
        }
        assertTrue(json(new Browser(tomcat.baseUri()).send("GET", "api/health", null, null).body())
                .path("store").asText().equals("ok"));
    }
}
