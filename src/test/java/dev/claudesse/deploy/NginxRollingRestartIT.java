package dev.claudesse.deploy;

import dev.claudesse.fake.FakeClaude;
import dev.claudesse.fake.Script;
import dev.claudesse.fake.TranscriptFacts;
import dev.claudesse.testsupport.Browser;
import dev.claudesse.testsupport.EmbeddedApp;
import dev.claudesse.testsupport.EventStreamReader;
import dev.claudesse.testsupport.EventStreamReader.Event;
import dev.claudesse.testsupport.FreePort;
import dev.claudesse.testsupport.NginxServer;
import dev.claudesse.testsupport.PostgresServer;
import dev.claudesse.testsupport.SavedMessages;
import dev.claudesse.testsupport.ServerLogOnFailure;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import javax.sql.DataSource;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.claudesse.testsupport.Events.json;
import static dev.claudesse.testsupport.Events.last;
import static dev.claudesse.testsupport.Events.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 16's rolling restart: Debian's nginx with the project's nginx files in front of three embedded Tomcats
 * (n1, n2, n3) sharing one real PostgreSQL, under steady load of clients that start answers through nginx and
 * read them to their end, never retrying by themselves. Each node in turn is stopped and started again (same
 * name, port and spool): n1 the operator's way (POST api/drain, health 503 until its answers ended, then the
 * stop), n2 and n3 by a plain stop while answers run on them. Afterwards every start the clients made got a
 * whole answer ending with done, every answer is saved complete in PostgreSQL, and there are exactly as many
 * answers and questions in the database as the clients saw (nginx's retries of a draining or stopped node
 * doubled nothing). With -Dclaudesse.rollingDrainSeconds=0 (the old shutdown) the plain stops end the running
 * answers with error(shutdown) and the test fails.
 */
class NginxRollingRestartIT {

    static final Duration T = Duration.ofSeconds(20);
    static final List<String> NODES = List.of("n1", "n2", "n3");
    static final List<String> SHIPPED = NginxNodesIT.SHIPPED;
    static final int CLIENTS = 4;
    /**
     * long_text is about 45 events: with this pause an answer lasts about five seconds, longer than the 2 s that
     * Tomcat itself waits for async requests before it stops a webapp (Context unloadDelay), so that answers
     * are still running when the app's own drain begins.
     */
    static final Duration PART_DELAY = Duration.ofMillis(100);
    static final String DRAIN_SECONDS = System.getProperty("claudesse.rollingDrainSeconds", "20");
    static final String FULL_TEXT = TranscriptFacts.of("long_text").text();

    static FakeClaude fake;
    static PostgresServer postgres;
    static String database;
    static DataSource db;
    static SavedMessages saved;
    static NginxServer nginx;
    static final Map<String, EmbeddedApp> apps = new LinkedHashMap<>();
    static final Map<String, Integer> ports = new LinkedHashMap<>();
    static final Map<String, Path> dataDirs = new LinkedHashMap<>();
    /** Answers that began on each node, counted by the clients as their start events arrive. */
    static final Map<String, AtomicInteger> startsOn = new ConcurrentHashMap<>();

    @RegisterExtension
    static final ServerLogOnFailure showLog = new ServerLogOnFailure(() -> nginx == null ? null : nginx.process());

    /** What one client saw of one start: the status, and the events of its stream. */
    record Seen(String question, int status, String retryAfter, List<Event> events) {
        String messageId() {
            return events.isEmpty() ? null : json(events.getFirst()).path("messageId").asText(null);
        }
    }

    @BeforeAll
    static void start() throws Exception {
        fake = FakeClaude.start();
        postgres = PostgresServer.shared();
        database = postgres.createDatabase();
        db = postgres.dataSource(database);
        saved = new SavedMessages(db);
        Map<String, Integer> byShipped = new LinkedHashMap<>();
        for (int i = 0; i < NODES.size(); i++) {
            String node = NODES.get(i);
            ports.put(node, FreePort.pick()); // a node comes back on its own port, as a restarted Tomcat does
            dataDirs.put(node, Files.createTempDirectory("claude-sse-rolling-" + node));
            apps.put(node, startNode(node)); // one after the other: the first creates the tables
            byShipped.put(SHIPPED.get(i), ports.get(node));
        }
        nginx = NginxServer.startNodes(byShipped);
    }

    static EmbeddedApp startNode(String node) throws Exception {
        return EmbeddedApp.startWithPostgres(ports.get(node), Map.of(
                "ANTHROPIC_API_KEY", "sk-ant-test-rolling",
                "ANTHROPIC_BASE_URL", fake.baseUrl().toString(),
                "CLAUDE_SSE_NODE", node,
                "CLAUDE_SSE_JNDI_DATASOURCE", "java:comp/env/jdbc/claude",
                "CLAUDE_SSE_DATA_DIR", dataDirs.get(node).toString(),
                "CLAUDE_SSE_DRAIN_SECONDS", DRAIN_SECONDS), postgres, database);
    }

    @AfterAll
    static void stop() throws Exception {
        if (nginx != null) {
            nginx.close();
        }
        for (EmbeddedApp app : apps.values()) {
            app.close();
        }
        if (fake != null) {
            fake.close();
        }
    }

    @Test
    void aRollingRestartOfAllThreeNodesUnderLoadLosesNoAnswerAndNoMessage() throws Exception {
        Queue<Seen> seen = new ConcurrentLinkedQueue<>();
        AtomicBoolean enough = new AtomicBoolean();
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            int client = c;
            clients.add(Thread.ofVirtual().name("client-" + c).start(() -> ask(client, enough, seen)));
        }
        Map<String, Integer> runningAtStop = new LinkedHashMap<>();
        String drainHealth;
        String drainedStart;
        try {
            awaitAnswers(seen, 2 * CLIENTS); // the load is steady before the first stop

            // n1, the operator's way: drain, watch health until its answers ended, stop, start again
            Browser n1 = new Browser(apps.get("n1").baseUri());
            runningAtStop.put("n1", awaitRunning("n1"));
            HttpResponse<String> drain = n1.send("POST", "api/drain", null, null);
            assertEquals(200, drain.statusCode(), drain.body());
            assertEquals("draining", json(drain.body()).path("status").asText(), drain.body());
            HttpResponse<String> health = n1.send("GET", "api/health", null, null);
            drainHealth = health.statusCode() + " " + health.body();
            HttpResponse<String> start = n1.send("POST", "api/chat", "application/json", "{\"message\":\"direct\"}");
            drainedStart = start.statusCode() + " " + start.headers().firstValue("retry-after").orElse("-") + " "
                    + start.body();
            long deadline = System.nanoTime() + T.toNanos();
            while (json(health.body()).path("runningAnswers").asInt() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(100);
                health = n1.send("GET", "api/health", null, null);
                assertEquals(503, health.statusCode(), "still draining: " + health.body());
            }
            restart("n1");

            // n2 and n3: a plain stop while answers run on them, as systemd's or catalina.sh's stop would
            for (String node : List.of("n2", "n3")) {
                runningAtStop.put(node, awaitRunning(node));
                restart(node);
            }
            int before = seen.size();
            awaitAnswers(seen, before + CLIENTS); // the restarted nodes serve on
        } finally {
            enough.set(true);
            for (Thread client : clients) {
                client.join(T);
            }
        }

        // the drain as the operator and nginx saw it
        assertTrue(drainHealth.startsWith("503 "), drainHealth);
        assertEquals("draining", json(drainHealth.substring(4)).path("status").asText(), drainHealth);
        assertTrue(drainedStart.startsWith("503 2 "), "a start on a draining node: 503 with Retry-After: " + drainedStart);
        assertEquals("draining", json(drainedStart.substring(6)).path("error").path("type").asText(), drainedStart);
        for (Map.Entry<String, Integer> running : runningAtStop.entrySet()) {
            assertTrue(running.getValue() > 0, "answers ran on " + running.getKey() + " when its stop began");
        }

        // every start the clients made: a 200 stream with the whole answer and done
        List<Seen> all = List.copyOf(seen);
        Set<String> ids = new TreeSet<>();
        Set<String> nodesUsed = new TreeSet<>();
        for (Seen one : all) {
            assertEquals(200, one.status(), "a start through nginx was refused (Retry-After " + one.retryAfter() + ")");
            assertTrue(!one.events().isEmpty() && last(one.events()).type().equals("done"),
                    one.question() + " ended with done: " + (one.events().isEmpty() ? "no events" : last(one.events())));
            assertEquals(FULL_TEXT, text(one.events()), one.question() + " got the whole text");
            ids.add(one.messageId());
            nodesUsed.add(one.messageId().substring(0, one.messageId().indexOf('-')));
        }
        assertEquals(all.size(), ids.size(), "each start its own answer");
        assertEquals(new TreeSet<>(NODES), nodesUsed);
        assertTrue(all.size() >= 4 * CLIENTS, "steady load: " + all.size() + " answers");

        // and in PostgreSQL: each answer complete with its text, and nothing doubled by nginx's retries
        for (String id : ids) {
            assertEquals(FULL_TEXT, saved.await(id, "complete", T).content(), id);
        }
        assertEquals(all.size(), count("SELECT count(*) FROM messages WHERE role = 'assistant'"), "assistant rows");
        assertEquals(all.size(), count("SELECT count(*) FROM messages WHERE role = 'user'"), "questions saved once");
    }

    /** One client: starts answers through nginx one after the other and reads each to its end; never retries. */
    private static void ask(int client, AtomicBoolean enough, Queue<Seen> seen) {
        Browser browser = new Browser(nginx.baseUri());
        for (int i = 0; !enough.get(); i++) {
            String question = "client " + client + " question " + i;
            fake.enqueue(Script.transcript("long_text").delay(PART_DELAY));
            try (EventStreamReader stream = browser.chat("{\"message\":\"" + question + "\"}")) {
                List<Event> events = List.of();
                if (stream.status() == 200) {
                    Event start = stream.nextNonPing(T);
                    if (start != null && start.type().equals("start")) {
                        String id = json(start).path("messageId").asText();
                        startsOn.computeIfAbsent(id.substring(0, id.indexOf('-')), n -> new AtomicInteger())
                                .incrementAndGet();
                    }
                    stream.readToEnd(T);
                    events = stream.seen();
                }
                seen.add(new Seen(question, stream.status(), stream.headers().firstValue("retry-after").orElse(null),
                        events));
            } catch (Exception | AssertionError e) {
                seen.add(new Seen(question + " (" + e + ")", -1, null, List.of()));
            }
        }
    }

    private static void awaitAnswers(Queue<Seen> seen, int count) throws InterruptedException {
        long deadline = System.nanoTime() + T.toNanos();
        while (seen.size() < count && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(seen.size() >= count, "answers so far: " + seen.size());
    }

    /**
     * Waits until an answer begins on the node, so that its stop comes with seconds of that answer still to
     * stream (more than Tomcat's own wait before it stops the webapp), and returns how many run there (health,
     * asked of the node directly).
     */
    private static int awaitRunning(String node) throws Exception {
        AtomicInteger starts = startsOn.computeIfAbsent(node, n -> new AtomicInteger());
        int before = starts.get();
        long deadline = System.nanoTime() + T.toNanos();
        while (starts.get() == before && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(starts.get() > before, "an answer began on " + node);
        return json(new Browser(apps.get(node).baseUri()).send("GET", "api/health", null, null).body())
                .path("runningAnswers").asInt();
    }

    /**
     * Stops the node (Tomcat's whole stop: the port closes, the webapp drains, the rest ends), starts it again
     * with the same name, port and spool, and waits until nginx sends it new answers again (after a refusal or
     * a 503 nginx leaves a node out for its fail_timeout, 10 s), as an operator checks before the next node.
     */
    private static void restart(String node) throws Exception {
        apps.remove(node).close();
        apps.put(node, startNode(node));
        Browser viaNginx = new Browser(nginx.baseUri());
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Set<String> answered = new TreeSet<>();
        while (!answered.contains(node) && System.nanoTime() < deadline) {
            HttpResponse<String> health = viaNginx.send("GET", "api/health", null, null);
            answered.add(json(health.body()).path("node").asText());
            Thread.sleep(100);
        }
        assertTrue(answered.contains(node), node + " is back in nginx's turn: " + answered);
    }

    private static long count(String sql) throws Exception {
        try (Connection connection = db.getConnection(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
