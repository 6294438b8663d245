package dev.claudesse.web;

import dev.claudesse.testsupport.EmbeddedApp;
import dev.claudesse.testsupport.ProcessRun;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The chat page in Debian's headless Chromium, driven by playwright-core from Node (src/test/js/page.it.mjs):
 * streaming, Stop, cost, reload mid-answer, HTML in answers, multi-byte text, errors, the demo banner, phone
 * width, a 100,000-character adversarial answer, a server that refuses anonymous visitors; then
 * (page-ux.it.mjs) the conversation list's cost, rename, search and delete, themes, keys, copying, keyboard
 * focus, screen reader announcements, an axe-core audit and regenerating the last answer. The app runs under
 * the context path /chat, as on a shared
 * Tomcat. Screenshots: target/screenshots. playwright-core is installed with npm into target/js-deps (no
 * browser is downloaded; see JsFixture.installNpmDeps).
 */
class PageIT {

    static final Path JS = JsFixture.JS;
    static JsFixture fixture;
    static EmbeddedApp demo;
    static EmbeddedApp closed;

    @BeforeAll
    static void start() throws Exception {
        fixture = JsFixture.start("/chat");
        demo = EmbeddedApp.start(0, Map.of(
                "CLAUDE_SSE_DATA_DIR", Files.createTempDirectory("claude-sse-demo").toString(),
                "CLAUDE_SSE_DEMO_DELAY_MS", "20"));
        closed = EmbeddedApp.start(0, Map.of(
                "CLAUDE_SSE_DATA_DIR", Files.createTempDirectory("claude-sse-closed").toString(),
                "CLAUDE_SSE_ANONYMOUS", "false"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (demo != null) {
            demo.close();
        }
        if (closed != null) {
            closed.close();
        }
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void theChatPageInChromium() throws Exception {
        Path node = JsFixture.node();
        Map<String, String> env = fixture.env();
        env.putAll(JsFixture.chromiumEnv());
        env.put("CLAUDE_SSE_DEMO_BASE", demo.baseUri().toString());
        env.put("CLAUDE_SSE_CLOSED_BASE", closed.baseUri().toString());
        // page-ux.it.mjs: the list (cost, rename, search, delete), themes, keys, copying, focus, screen
        // readers and an axe-core audit (issue 17); node runs the two files one after the other.
        List<String> command = new ArrayList<>(List.of(node.toString(), "--test", "--test-concurrency=1"));
        // -Dpage.scripts=page-ux.it.mjs runs one of them while working on it
        command.addAll(List.of(System.getProperty("page.scripts", "page.it.mjs,page-ux.it.mjs").split(",")));
        int exit = ProcessRun.run("js-page", command, JS, env, Duration.ofMinutes(7));
        System.out.println("[js-page] screenshots: " + env.get("SCREENSHOTS"));
        assertEquals(0, exit, "node --test " + command.subList(3, command.size()) + " failed; its output is above");
    }
}
