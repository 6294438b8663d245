package dev.claudesse.web;

import dev.claudesse.testsupport.FreePort;
import dev.claudesse.testsupport.ProcessRun;
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
 * The official Anthropic SDK in a page of another origin (src/test/js/anthropic-page), bundled by esbuild
 * during the test run, calling the WAR's v1/messages from Debian's headless Chromium
 * (src/test/js/anthropic-page.it.mjs): CORS preflight, the owner cookie, streaming, abort. The WAR listens on
 * one port; the page is served from a second port of the same host, listed in CLAUDE_SSE_CORS_ORIGINS.
 */
class AnthropicPageIT {

    static JsFixture fixture;
    static Path pageDir;
    static String pageBase;

    @BeforeAll
    static void start() throws Exception {
        int pagePort = FreePort.pick();
        fixture = JsFixture.start("", Map.of("CLAUDE_SSE_CORS_ORIGINS", "http://127.0.0.1:" + pagePort));
        fixture.app.listenAlsoOn(pagePort);
        pageDir = Files.createTempDirectory("claude-sse-anthropic-page");
        String path = fixture.app.serveFiles("/page", pageDir).getPath();
        pageBase = "http://127.0.0.1:" + pagePort + path;
    }

    @AfterAll
    static void stop() throws Exception {
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void theAnthropicSdkInAPageOfAnotherOrigin() throws Exception {
        Path node = JsFixture.node();
        Map<String, String> env = fixture.env();
        env.putAll(JsFixture.chromiumEnv());
        env.put("PAGE_DIR", pageDir.toString());
        env.put("PAGE_BASE", pageBase);
        int exit = ProcessRun.run("js-anthropic-page", List.of(node.toString(), "--test", "anthropic-page.it.mjs"),
                JsFixture.JS, env, Duration.ofMinutes(5));
        assertEquals(0, exit, "node --test anthropic-page.it.mjs failed; its output is above");
    }
}
