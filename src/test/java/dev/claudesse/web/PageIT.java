package dev.claudesse.web;

import dev.claudesse.testsupport.EmbeddedApp;
import dev.claudesse.testsupport.ProcessRun;
import dev.claudesse.testsupport.RequiredTool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The chat page in Debian's headless Chromium, driven by playwright-core from Node (src/test/js/page.it.mjs):
 * streaming, Stop, cost, reload mid-answer, HTML in answers, multi-byte text, errors, the demo banner, phone
 * width, a 100,000-character adversarial answer, a server that refuses anonymous visitors. The app runs under
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
        Path node = RequiredTool.find("node", "NODE", "apt-get install nodejs, version 18 or later");
        Path chromium = RequiredTool.find("chromium", "CHROMIUM", "apt-get install chromium");
        Path playwright = RequiredTool.file(JsFixture.installNpmDeps().resolve("playwright-core"), "playwright-core");

        Path screenshots = Path.of("target", "screenshots").toAbsolutePath();
        Files.createDirectories(screenshots);
        Map<String, String> env = fixture.env();
        env.put("CLAUDE_SSE_DEMO_BASE", demo.baseUri().toString());
        env.put("CLAUDE_SSE_CLOSED_BASE", closed.baseUri().toString());
        env.put("CHROMIUM", chromium.toString());
        env.put("PLAYWRIGHT_CORE", playwright.toAbsolutePath().toString());
        env.put("SCREENSHOTS", screenshots.toString());
        int exit = ProcessRun.run("js-page", List.of(node.toString(), "--test", "page.it.mjs"), JS, env,
                Duration.ofMinutes(5));
        System.out.println("[js-page] screenshots: " + screenshots);
        assertEquals(0, exit, "node --test page.it.mjs failed; its output is above");
    }
}
