package dev.claudesse.web;

import dev.claudesse.testsupport.ProcessRun;
import dev.claudesse.testsupport.RequiredTool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * webapp/claude-sse.js under Node's test runner: its parser and the Markdown renderer (webapp/render.js, in
 * jsdom) on their own, then the client against the real server (embedded Tomcat, fake Claude): events in
 * order, multi-byte text split across reads, resume after a forced disconnect, stop, and an answer replayed
 * from the store after its replay window; then the AI SDK's transport and the OpenAI SDK against their
 * dialects. The scripts are in src/test/js.
 */
class ClientIT {

    static final Path JS = JsFixture.JS;
    static JsFixture fixture;

    @BeforeAll
    static void start() throws Exception {
        fixture = JsFixture.start("");
    }

    @AfterAll
    static void stop() throws Exception {
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void parserAndMarkdownUnitTests() throws Exception {
        Path node = RequiredTool.find("node", "NODE", "apt-get install nodejs, version 18 or later");
        Path deps = JsFixture.installNpmDeps(); // jsdom for DOMPurify, and the packages webapp/vendor/ must equal
        int exit = ProcessRun.run("js-unit", List.of(node.toString(), "--test", "parser.test.mjs", "render.test.mjs"),
                JS, Map.of("JS_DEPS", deps.toString()), Duration.ofMinutes(2));
        assertEquals(0, exit, "node --test failed; its output is above");
    }

    @Test
    void clientAgainstTheServer() throws Exception {
        Path node = RequiredTool.find("node", "NODE", "apt-get install nodejs, version 18 or later");
        int exit = ProcessRun.run("js-client", List.of(node.toString(), "--test", "client.it.mjs"),
                JS, fixture.env(), Duration.ofMinutes(3));
        assertEquals(0, exit, "node --test client.it.mjs failed; its output is above");
    }

    /** An app whose replay window is 1 s, so an ended answer is soon replayed from the store. */
    @Test
    void clientFollowsAReplayFromTheStore() throws Exception {
        Path node = RequiredTool.find("node", "NODE", "apt-get install nodejs, version 18 or later");
        try (JsFixture shortWindow = JsFixture.start("", Map.of("CLAUDE_SSE_REPLAY_SECONDS", "1"))) {
            int exit = ProcessRun.run("js-replay", List.of(node.toString(), "--test", "replay.it.mjs"),
                    JS, shortWindow.env(), Duration.ofMinutes(3));
            assertEquals(0, exit, "node --test replay.it.mjs failed; its output is above");
        }
    }

    /** api/ui/chat, the useChat dialect, driven by the real `ai` package's transport (ui-chat.it.mjs). */
    @Test
    void theAiSdksTransportAgainstTheServer() throws Exception {
        Path node = RequiredTool.find("node", "NODE", "apt-get install nodejs, version 18 or later");
        Map<String, String> env = fixture.env();
        env.put("JS_DEPS", JsFixture.installNpmDeps().toString());
        int exit = ProcessRun.run("js-ui-chat", List.of(node.toString(), "--test", "ui-chat.it.mjs"), JS, env,
                Duration.ofMinutes(3));
        assertEquals(0, exit, "node --test ui-chat.it.mjs failed; its output is above");
    }

    /** v1/messages, Claude's own API served by the WAR, driven by the official @anthropic-ai/sdk (anthropic.it.mjs). */
    @Test
    void theAnthropicSdkAgainstTheServer() throws Exception {
        Path node = RequiredTool.find("node", "NODE", "apt-get install nodejs, version 18 or later");
        Map<String, String> env = fixture.env();
        env.put("JS_DEPS", JsFixture.installNpmDeps().toString());
        int exit = ProcessRun.run("js-anthropic", List.of(node.toString(), "--test", "anthropic.it.mjs"), JS, env,
                Duration.ofMinutes(3));
        assertEquals(0, exit, "node --test anthropic.it.mjs failed; its output is above");
    }

    /** v1/chat/completions and v1/models, OpenAI's dialect, driven by the real `openai` package (openai.it.mjs). */
    @Test
    void theOpenAiSdkAgainstTheServer() throws Exception {
        Path node = RequiredTool.find("node", "NODE", "apt-get install nodejs, version 18 or later");
        Map<String, String> env = fixture.env();
        env.put("JS_DEPS", JsFixture.installNpmDeps().toString());
        int exit = ProcessRun.run("js-openai", List.of(node.toString(), "--test", "openai.it.mjs"), JS, env,
                Duration.ofMinutes(3));
        assertEquals(0, exit, "node --test openai.it.mjs failed; its output is above");
    }
}
