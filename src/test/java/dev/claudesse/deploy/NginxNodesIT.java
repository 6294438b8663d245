package dev.claudesse.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.claudesse.fake.FakeClaude;
import dev.claudesse.fake.Gate;
import dev.claudesse.fake.Script;
import dev.claudesse.fake.TranscriptFacts;
import dev.claudesse.testsupport.Browser;
import dev.claudesse.testsupport.EmbeddedApp;
import dev.claudesse.testsupport.EventStreamReader;
import dev.claudesse.testsupport.EventStreamReader.Event;
import dev.claudesse.testsupport.NginxServer;
import dev.claudesse.testsupport.PostgresServer;
import dev.claudesse.testsupport.SavedMessages;
import dev.claudesse.testsupport.ServerLogOnFailure;
import dev.claudesse.testsupport.TcpRelay;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.CookieManager;
import java.net.HttpCookie;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import static dev.claudesse.testsupport.Events.json;
import static dev.claudesse.testsupport.Events.last;
import static dev.claudesse.testsupport.Events.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three nodes (embedded Tomcats, each with its own CLAUDE_SSE_NODE, one PostgreSQL database) behind Debian's
 * nginx with the project's nginx/claude-sse-nodes.conf and claude-sse.conf: answers start on every node, each
 * answer's resume and stop reach the node that runs it, a useChat chat's resume and stop follow the node
 * cookie, and an ended answer resumes from the store on any node.
 */
class NginxNodesIT {

    static final Duration T = Duration.ofSeconds(10);
    static final List<String> NODES = List.of("n1", "n2", "n3");
    /** The addresses nginx/claude-sse-nodes.conf ships with, node by node. */
    static final List<String> SHIPPED = List.of("127.0.0.1:8081", "127.0.0.1:8082", "127.0.0.1:8083");

    static FakeClaude fake;
    static final Map<String, EmbeddedApp> apps = new LinkedHashMap<>();
    static NginxServer nginx;
    static SavedMessages saved;

    @RegisterExtension
    static final ServerLogOnFailure showLog = new ServerLogOnFailure(() -> nginx == null ? null : nginx.process());

    static PostgresServer postgres;
    static String database;
    static final Map<String, java.nio.file.Path> dataDirs = new LinkedHashMap<>();
    static final Map<String, TcpRelay> relays = new LinkedHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        fake = FakeClaude.start();
        postgres = PostgresServer.shared();
        database = postgres.createDatabase();
        saved = new SavedMessages(postgres.dataSource(database));
        Map<String, Integer> ports = new LinkedHashMap<>();
        for (int i = 0; i < NODES.size(); i++) {
            String node = NODES.get(i);
            // one after the other: the first creates the tables, the others find them
            EmbeddedApp app = startNode(node);
            apps.put(node, app);
            // nginx reaches each node through a relay, which a test can cut as a killed machine would be
            TcpRelay relay = TcpRelay.start(0, app.port());
            relays.put(node, relay);
            ports.put(SHIPPED.get(i), relay.port());
        }
        nginx = NginxServer.startNodes(ports);
    }

    /** One node on a free port, with its own spool directory, kept across its restarts. */
    static EmbeddedApp startNode(String node) throws Exception {
        java.nio.file.Path dataDir = dataDirs.get(node);
        if (dataDir == null) {
            dataDir = Files.createTempDirectory("claude-sse-" + node);
            dataDirs.put(node, dataDir);
        }
        return EmbeddedApp.startWithPostgres(0, Map.of(
                "ANTHROPIC_API_KEY", "sk-ant-test-nodes",
                "ANTHROPIC_BASE_URL", fake.baseUrl().toString(),
                "CLAUDE_SSE_NODE", node,
                // named, so that a missing DataSource fails the start instead of falling back to H2
                "CLAUDE_SSE_JNDI_DATASOURCE", "java:comp/env/jdbc/claude",
                // each node's own spool
                "CLAUDE_SSE_DATA_DIR", dataDir.toString(),
                // ended answers leave memory after a second: later resumes come from the store
                "CLAUDE_SSE_REPLAY_SECONDS", "1",
                // running answers' text is saved each second, so a killed node's answer keeps what it streamed
                "CLAUDE_SSE_PROGRESS_SECONDS", "1"), postgres, database);
    }

    @AfterAll
    static void stop() throws Exception {
        if (nginx != null) {
            nginx.close();
        }
        for (TcpRelay relay : relays.values()) {
            relay.close();
        }
        for (EmbeddedApp app : apps.values()) {
            app.close();
        }
        if (fake != null) {
            fake.close();
        }
    }

    @BeforeEach
    void noScriptLeftOver() {
        fake.clearScripts(); // a test that failed before Claude was called leaves its gated script behind
    }

    @Test
    void eachNodeSaysItsNameInHealth() throws Exception {
        for (Map.Entry<String, EmbeddedApp> app : apps.entrySet()) {
            HttpResponse<String> health = new Browser(app.getValue().baseUri()).send("GET", "api/health", null, null);
            assertEquals(200, health.statusCode(), health.body());
            assertEquals(app.getKey(), json(health.body()).path("node").asText(), health.body());
            assertEquals("ok", json(health.body()).path("store").asText(), health.body());
        }
    }

    @Test
    void answersLandOnEveryNodeAndEachResumeAndStopReachesItsNode() throws Exception {
        Browser browser = new Browser(nginx.baseUri());
        Set<String> nodesUsed = new TreeSet<>();
        List<String> ended = new ArrayList<>();
        for (int round = 0; round < NODES.size(); round++) {
            Gate gate = new Gate();
            fake.enqueue(Script.transcript("long_text").gated(gate, 2));
            String messageId;
            String lastId;
            StringBuilder text = new StringBuilder();
            try (EventStreamReader stream = browser.chat("{\"message\":\"round " + round + "\"}")) {
                assertEquals(200, stream.status());
                Event start = stream.nextNonPing(T);
                assertEquals("start", start.type());
                messageId = json(start).path("messageId").asText();
                gate.release();
                Event chunk = stream.nextNonPing(T);
                assertEquals("chunk", chunk.type());
                text.append(json(chunk).path("text").asText());
                lastId = chunk.id();
            } // the browser drops its connection; the answer goes on on its node
            String node = messageId.substring(0, messageId.indexOf('-'));
            assertTrue(NODES.contains(node), messageId);
            assertEquals(36, messageId.length() - node.length() - 1, "a UUID after the node: " + messageId);
            nodesUsed.add(node);

            // the resume goes to the answer's node: it continues exactly after the last id, live
            try (EventStreamReader resumed = browser.resume(messageId, Long.parseLong(lastId))) {
                assertEquals(200, resumed.status());
                gate.release(3);
                List<Event> live = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    Event next = resumed.nextNonPing(T);
                    assertEquals("chunk", next.type(), "live chunks from the running answer: " + next);
                    assertEquals(Long.parseLong(lastId) + 1 + i, Long.parseLong(next.id()), "ids continue: " + next);
                    live.add(next);
                }
                text.append(text(live));
                assertTrue(TranscriptFacts.of("long_text").text().startsWith(text.toString()),
                        "no text lost or doubled: " + text);

                // the stop goes to the same node, which stops Claude
                HttpResponse<String> stopped = browser.stop(messageId);
                assertEquals(200, stopped.statusCode(), stopped.body());
                assertEquals("stopped", json(stopped.body()).path("state").asText(), stopped.body());
                fake.awaitClientClose(Duration.ofSeconds(3)); // Claude's connection was closed
                List<Event> rest = resumed.readToEnd(T);
                assertEquals("done", last(rest).type());
                assertEquals("stopped", json(last(rest)).path("stopReason").asText());
            }
            gate.open();
            ended.add(messageId);
        }
        assertEquals(new TreeSet<>(NODES), nodesUsed, "round robin put one answer on each node");

        // ended answers: saved in PostgreSQL, they resume on any node, through nginx after the replay window
        String ownerCookie = ownerCookie(browser);
        for (String messageId : ended) {
            String savedText = saved.await(messageId, "stopped", T).content();
            Thread.sleep(2_500); // past CLAUDE_SSE_REPLAY_SECONDS and the next sweep
            try (EventStreamReader replay = browser.resume(messageId, 5)) {
                assertReplayedFromStore(replay, savedText);
            }
            for (EmbeddedApp app : apps.values()) {
                try (EventStreamReader replay = new Browser(app.baseUri(), ownerCookie).resume(messageId, 5)) {
                    assertReplayedFromStore(replay, savedText);
                }
            }
        }
    }

    @Test
    void anAnswerOfAnotherNodeIsNotInThisNodesMemory() throws Exception {
        // what the routing is for: a node that does not run the answer cannot stop it
        Browser browser = new Browser(nginx.baseUri());
        Gate gate = new Gate();
        fake.enqueue(Script.transcript("long_text").gated(gate, 2));
        try (EventStreamReader stream = browser.chat("{\"message\":\"elsewhere\"}")) {
            String messageId = json(stream.nextNonPing(T)).path("messageId").asText();
            gate.release();
            assertEquals("chunk", stream.nextNonPing(T).type()); // Claude is answering: its script is in use
            String node = messageId.substring(0, messageId.indexOf('-'));
            for (Map.Entry<String, EmbeddedApp> app : apps.entrySet()) {
                if (!app.getKey().equals(node)) {
                    HttpResponse<String> stop = new Browser(app.getValue().baseUri(), ownerCookie(browser)).stop(messageId);
                    assertEquals(404, stop.statusCode(), app.getKey() + " " + stop.body());
                }
            }
            assertEquals(200, browser.stop(messageId).statusCode());
            gate.open();
            assertEquals("done", last(stream.readToEnd(T)).type());
        }
    }

    @Test
    void aChatsResumeAndStopFollowTheNodeCookie() throws Exception {
        Browser browser = new Browser(nginx.baseUri());
        Set<String> nodesUsed = new TreeSet<>();
        for (int round = 0; round < NODES.size(); round++) {
            String chatId = "chat-" + UUID.randomUUID();
            Gate gate = new Gate();
            fake.enqueue(Script.transcript("long_text").gated(gate, 2));
            HttpRequest post = HttpRequest.newBuilder(nginx.baseUri().resolve("api/ui/chat"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"" + chatId + "\",\"trigger\":\"submit-message\","
                            + "\"messages\":[{\"id\":\"q1\",\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"text\":\"hi\"}]}]}"))
                    .build();
            String messageId;
            try (EventStreamReader stream = EventStreamReader.open(browser.http(), post)) {
                assertEquals(200, stream.status());
                JsonNode start = json(stream.nextNonPing(T));
                assertEquals("start", start.path("type").asText(), start.toString());
                messageId = start.path("messageId").asText();
                String node = messageId.substring(0, messageId.indexOf('-'));
                nodesUsed.add(node);
                String cookie = stream.headers().allValues("set-cookie").stream()
                        .filter(c -> c.startsWith("claude_sse_node=")).findFirst().orElse(null);
                assertNotNull(cookie, stream.headers().toString());
                assertTrue(cookie.startsWith("claude_sse_node=" + node + ";"), cookie);
                assertTrue(cookie.contains("Path=/api/ui/chat"), cookie);
                gate.release();
                Event first;
                do { // the start comes before Claude answers; wait for its first text, so that the stop meets Claude
                    first = stream.nextNonPing(T);
                } while (!json(first).path("type").asText().equals("text-delta"));
            }
            // a reload: useChat asks for the chat's running answer, and nginx sends it to the answer's node
            HttpRequest resume = HttpRequest.newBuilder(nginx.baseUri().resolve("api/ui/chat/" + chatId + "/stream"))
                    .GET().build();
            try (EventStreamReader again = EventStreamReader.open(browser.http(), resume)) {
                assertEquals(200, again.status(), "the running answer was found, not 204");
                JsonNode start = json(again.nextNonPing(T));
                assertEquals(messageId, start.path("messageId").asText(), start.toString());
                HttpResponse<String> stop = browser.send("POST", "api/ui/chat/" + chatId + "/stop", null, null);
                assertEquals(200, stop.statusCode(), stop.body());
                assertEquals(messageId, json(stop.body()).path("messageId").asText());
                fake.awaitClientClose(Duration.ofSeconds(3));
                again.readToEnd(T);
            }
            gate.open();
            saved.await(messageId, "stopped", T);
        }
        assertEquals(new TreeSet<>(NODES), nodesUsed, "the chats ran on every node");
    }

    @Test
    void aKilledNodesAnswerResumesFromTheStoreOnAnotherNodeAndItsRestartMarksItInterrupted() throws Exception {
        Browser browser = new Browser(nginx.baseUri());
        Gate gate = new Gate();
        fake.enqueue(Script.transcript("long_text").gated(gate, 2));
        String messageId;
        String node;
        try (EventStreamReader stream = browser.chat("{\"message\":\"the node dies\"}")) {
            messageId = json(stream.nextNonPing(T)).path("messageId").asText();
            gate.release();
            Event first = stream.nextNonPing(T);
            assertEquals("chunk", first.type()); // the answer runs on its node
            Thread.sleep(1_100); // past the progress interval: the next piece of text hands the text so far over
            gate.release();
            Event second = stream.nextNonPing(T);
            assertEquals("chunk", second.type());
            String streamed = text(List.of(first, second));
            // the node's progress writer saves it within a second, while the row is still streaming
            saved.awaitContent(messageId, "streaming", streamed, T);
            node = messageId.substring(0, messageId.indexOf('-'));
            EmbeddedApp dying = apps.get(node);
            int port = relays.get(node).port();
            relays.get(node).close(); // killed, as nginx and the browser see it: no terminal event, nothing saved
            List<Event> cut = stream.readToEnd(T);
            assertTrue(cut.stream().noneMatch(e -> e.type().equals("done") || e.type().equals("error")),
                    "a killed node sends no terminal event: " + cut);

            // the resume through nginx reaches another node (a backup of the node's group), not a 502
            assertEquals("streaming", saved.await(messageId, "streaming", T).status());
            try (EventStreamReader replay = browser.resume(messageId, 2)) {
                assertEndsRetryableFromStore(replay, streamed);
            }
            // the other nodes go on: answers start through nginx and end
            for (int i = 0; i < NODES.size(); i++) {
                fake.enqueue(Script.transcript("long_text"));
                try (EventStreamReader other = browser.chat("{\"message\":\"still served " + i + "\"}")) {
                    assertEquals(200, other.status());
                    List<Event> events = other.readToEnd(T);
                    String otherId = json(events.getFirst()).path("messageId").asText();
                    assertFalse(otherId.startsWith(node + "-"), otherId);
                    assertEquals("done", last(events).type(), events.toString());
                }
            }

            // another node is answering while the dead one starts again
            Gate otherGate = new Gate();
            fake.enqueue(Script.transcript("long_text").gated(otherGate, 2));
            try (EventStreamReader running = browser.chat("{\"message\":\"running elsewhere\"}")) {
                String runningId = json(running.nextNonPing(T)).path("messageId").asText();
                assertFalse(runningId.startsWith(node + "-"), runningId);
                otherGate.release();
                assertEquals("chunk", running.nextNonPing(T).type());

                // the node starts again (same port, same spool): its own sweep marks its answer interrupted
                EmbeddedApp restarted = startNode(node);
                apps.put(node, restarted);
                relays.put(node, TcpRelay.start(port, restarted.port()));
                assertEquals("interrupted", saved.await(messageId, "interrupted", T).status());
                // and leaves the other node's running answer alone: it streams on and is saved complete
                assertEquals("streaming", saved.await(runningId, "streaming", T).status());
                otherGate.open();
                assertEquals("done", last(running.readToEnd(T)).type());
                saved.await(runningId, "complete", T);
            } finally {
                otherGate.open();
            }
            try (EventStreamReader replay = browser.resume(messageId, 2)) {
                assertEndsRetryableFromStore(replay, streamed);
            }
            dying.close(); // the dead JVM's memory: gone for good (its late end still lands, by design)
        } finally {
            gate.open();
        }
        // nginx counts the node as failed for fail_timeout (10 s): wait until it takes new answers again
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Set<String> seen = new TreeSet<>();
        while (!seen.contains(node) && System.nanoTime() < deadline) {
            HttpResponse<String> health = browser.send("GET", "api/health", null, null);
            seen.add(json(health.body()).path("node").asText());
            Thread.sleep(200);
        }
        assertTrue(seen.contains(node), "the restarted node is back in nginx's turn: " + seen);
    }

    /** A replay from the store of an answer whose node stopped mid-way: its saved text, then a retryable error. */
    private static void assertEndsRetryableFromStore(EventStreamReader replay, String savedText) throws Exception {
        assertEquals(200, replay.status(), "not a 502");
        List<Event> events = replay.readToEnd(T);
        assertEquals("start", events.getFirst().type());
        assertTrue(json(events.getFirst()).path("replayed").asBoolean(), events.getFirst().data());
        assertEquals(savedText, text(events), "the text the killed node had saved as it went");
        assertEquals("error", last(events).type(), events.toString());
        assertEquals("interrupted", json(last(events)).path("type").asText());
        assertTrue(json(last(events)).path("retryable").asBoolean(), last(events).data());
    }

    private static void assertReplayedFromStore(EventStreamReader replay, String savedText) throws Exception {
        assertEquals(200, replay.status());
        List<Event> events = replay.readToEnd(T);
        assertEquals("start", events.getFirst().type());
        assertTrue(json(events.getFirst()).path("replayed").asBoolean(), events.getFirst().data());
        assertEquals(savedText, text(events));
        assertEquals("done", last(events).type());
        assertFalse(savedText.isEmpty());
    }

    private static String ownerCookie(Browser browser) {
        CookieManager cookies = (CookieManager) browser.http().cookieHandler().orElseThrow();
        return cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals("claude_sse_owner"))
                .map(HttpCookie::getValue).findFirst().orElseThrow();
    }
}
