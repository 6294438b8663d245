package dev.claudesse.web;

import dev.claudesse.testsupport.ProcessRun;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A React app built on `@ai-sdk/react`'s useChat (src/test/js/ui-app), bundled by esbuild during the test
 * run and served by the same Tomcat as the WAR (the app under /app, the WAR under /chat), driven in Debian's
 * headless Chromium by src/test/js/ui-app.it.mjs: streaming, Stop, a reload mid-answer, an attached image,
 * the cost from the message metadata. Screenshots: target/screenshots/ui-app-*.png.
 */
class UseChatAppIT {

    /** Short, so that the tests of Stop wait less; a reload still comes back well within it. */
    static final String GRACE_SECONDS = "2";

    static JsFixture fixture;
    static Path appDir;
    static URI appBase;

    @BeforeAll
    static void start() throws Exception {
        fixture = JsFixture.start("/chat", Map.of("CLAUDE_SSE_UI_STOP_GRACE_SECONDS", GRACE_SECONDS));
        appDir = Files.createTempDirectory("claude-sse-ui-app");
        appBase = fixture.app.serveFiles("/app", appDir);
    }

    @AfterAll
    static void stop() throws Exception {
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void aUseChatAppInChromium() throws Exception {
        Path node = JsFixture.node();
        Map<String, String> env = fixture.env();
        env.putAll(JsFixture.chromiumEnv());
        env.put("UI_APP_DIR", appDir.toString());
        env.put("UI_APP_BASE", appBase.toString());
        env.put("UI_STOP_GRACE_SECONDS", GRACE_SECONDS);
        int exit = ProcessRun.run("js-ui-app", List.of(node.toString(), "--test", "ui-app.it.mjs"), JsFixture.JS,
                env, Duration.ofMinutes(5));
        assertEquals(0, exit, "node --test ui-app.it.mjs failed; its output is above");
    }
}
