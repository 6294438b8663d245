package dev.claudesse.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.claudesse.fake.FakeClaude;
import dev.claudesse.fake.Script;
import dev.claudesse.testsupport.ContainerLogin;
import dev.claudesse.testsupport.EmbeddedApp;
import dev.claudesse.testsupport.EventStreamReader;
import dev.claudesse.testsupport.ProcessRun;
import dev.claudesse.tokens.IssueToken;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import static dev.claudesse.testsupport.Events.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The usage page (webapp/usage.html) in Debian's headless Chromium, driven by playwright-core from Node
 * (src/test/js/usage-page.it.mjs): an operator signs in through the container (BASIC; Tomcat without
 * preemptiveAuthentication, so api/usage asks for the credentials itself) or types an admin token, and sees the
 * 30-day charts with today's spend, the top conversations and the answers by status; a user without the role,
 * a non-admin token and an anonymous browser see "Not allowed". The answers are made here first, over HTTP,
 * and the figures api/usage then gives are what the page must show. Screenshots: target/screenshots.
 */
class UsagePageIT {

    static final Duration T = Duration.ofSeconds(10);
    static final IssueToken.Issued OPS = issue("ops");
    static final IssueToken.Issued ALICE = issue("alice");
    static final String BOSS_PASSWORD = "boss-password-page";
    static final String CAROL_PASSWORD = "carol-password-page";
    static final String ANON = "usage-page-anonymous-owner-01";

    static FakeClaude fake;
    static EmbeddedApp app;
    static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    static IssueToken.Issued issue(String owner) {
        return IssueToken.issue(owner, "", new SecureRandom(), LocalDate.of(2026, 11, 1));
    }

    @BeforeAll
    static void start() throws Exception {
        Path dir = Files.createTempDirectory("claude-sse-usage-page");
        Path tokens = dir.resolve("api-tokens");
        Files.writeString(tokens, OPS.line() + "\n" + ALICE.line() + "\n");
        fake = FakeClaude.start();
        app = EmbeddedApp.start(0, Map.of(
                "ANTHROPIC_API_KEY", "sk-ant-test-usage-page",
                "ANTHROPIC_BASE_URL", fake.baseUrl().toString(),
                "CLAUDE_SSE_DATA_DIR", dir.resolve("data").toString(),
                "CLAUDE_SSE_API_TOKENS_FILE", tokens.toString(),
                "CLAUDE_SSE_ADMIN_TOKEN_OWNERS", "ops"), "/chat",
                ContainerLogin.basic(dir, false,
                        new ContainerLogin.User("boss", BOSS_PASSWORD, "claude-sse-admin"),
                        new ContainerLogin.User("carol", CAROL_PASSWORD, "")));
    }

    @AfterAll
    static void stop() throws Exception {
        if (app != null) {
            app.close();
        }
        if (fake != null) {
            fake.close();
        }
    }

    static void ask(String header, String value, String body, Script script) throws Exception {
        fake.enqueue(script);
        HttpRequest request = HttpRequest.newBuilder(URI.create(app.baseUri() + "api/chat"))
                .header("Content-Type", "application/json").header(header, value)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        try (EventStreamReader stream = EventStreamReader.open(http, request)) {
            assertEquals(200, stream.status());
            stream.readToEnd(T);
        }
    }

    /** api/usage as the ops token, once every answer made is saved. */
    static JsonNode settled(int answers) throws Exception {
        long deadline = System.nanoTime() + T.toNanos();
        while (true) {
            HttpRequest request = HttpRequest.newBuilder(URI.create(app.baseUri() + "api/usage"))
                    .header("Authorization", "Bearer " + OPS.token()).GET().build();
            JsonNode usage = json(http.send(request, java.net.http.HttpResponse.BodyHandlers.ofString()).body());
            if (usage.path("answers").asLong() == answers
                    && usage.path("answersByStatus").path("streaming").asLong() == 0) {
                return usage;
            }
            assertTrue(System.nanoTime() < deadline, "not saved yet: " + usage);
            Thread.sleep(50);
        }
    }

    @Test
    void theUsagePageInChromium() throws Exception {
        Path node = JsFixture.node();
        Map<String, String> env = JsFixture.chromiumEnv(); // before the answers: a missing tool skips at once

        ask("Authorization", "Bearer " + ALICE.token(),
                "{\"message\":\"What does Haiku cost?\",\"model\":\"claude-haiku-5-5\"}", Script.transcript("plain_text"));
        ask("Cookie", Owners.COOKIE + "=" + ANON, "{\"message\":\"Ask <b>Opus</b> something\",\"model\":\"claude-opus-5-5\"}",
                Script.transcript("long_text"));
        ask("Cookie", Owners.COOKIE + "=" + ANON, "{\"message\":\"A dropped one\"}",
                Script.transcript("dropped").dropAfter(5));
        JsonNode usage = settled(3);

        env.put("CLAUDE_SSE_BASE", app.baseUri().toString());
        env.put("USAGE_EXPECTED", usage.toString());
        env.put("ADMIN_TOKEN", OPS.token());
        env.put("OTHER_TOKEN", ALICE.token());
        env.put("OPERATOR", "boss:" + BOSS_PASSWORD);
        env.put("NOT_OPERATOR", "carol:" + CAROL_PASSWORD);
        env.put("ANONYMOUS_COOKIE", ANON);
        int exit = ProcessRun.run("js-usage-page", List.of(node.toString(), "--test", "usage-page.it.mjs"),
                JsFixture.JS, env, Duration.ofMinutes(3));
        System.out.println("[js-usage-page] screenshots: " + env.get("SCREENSHOTS"));
        assertEquals(0, exit, "node --test usage-page.it.mjs failed; its output is above");
    }
}
