package dev.claudesse.web;

import dev.claudesse.testsupport.EmbeddedApp;
import dev.claudesse.testsupport.ProcessRun;
import dev.claudesse.testsupport.RequiredTool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The chat page in Debian's headless Chromium, driven by playwright-core from Node (src/test/js/page.it.mjs):
 * streaming, Stop, cost, reload mid-answer, HTML in answers, multi-byte text, errors, the demo banner, phone
 * width. The app runs under the context path /chat, as on a shared Tomcat. Screenshots: target/screenshots.
 * playwright-core is installed from the npm registry into target/js-deps (no browser is downloaded).
 */
class PageIT {

    static final Path JS = Path.of("src", "test", "js");
    static final Path DEPS = Path.of("target", "js-deps");
    static JsFixture fixture;
    static EmbeddedApp demo;

    @BeforeAll
    static void start() throws Exception {
        fixture = JsFixture.start("/chat");
        demo = EmbeddedApp.start(0, Map.of(
                "CLAUDE_SSE_DATA_DIR", Files.createTempDirectory("claude-sse-demo").toString(),
                "CLAUDE_SSE_DEMO_DELAY_MS", "20"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (demo != null) {
            demo.close();
        }
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void theChatPageInChromium() throws Exception {
        Path node = RequiredTool.find("node", "NODE", "apt-get install nodejs, version 18 or later");
        Path npm = RequiredTool.find("npm", "NPM", "apt-get install npm");
        Path chromium = RequiredTool.find("chromium", "CHROMIUM", "apt-get install chromium");
        Path playwright = installPlaywright(npm);

        Path screenshots = Path.of("target", "screenshots").toAbsolutePath();
        Files.createDirectories(screenshots);
        Map<String, String> env = fixture.env();
        env.put("CLAUDE_SSE_DEMO_BASE", demo.baseUri().toString());
        env.put("CHROMIUM", chromium.toString());
        env.put("PLAYWRIGHT_CORE", playwright.toAbsolutePath().toString());
        env.put("SCREENSHOTS", screenshots.toString());
        int exit = ProcessRun.run("js-page", List.of(node.toString(), "--test", "page.it.mjs"), JS, env,
                Duration.ofMinutes(5));
        System.out.println("[js-page] screenshots: " + screenshots);
        assertEquals(0, exit, "node --test page.it.mjs failed; its output is above");
    }

    /** npm ci of src/test/js/package-lock.json into target/js-deps, once per lock file. */
    private static Path installPlaywright(Path npm) throws Exception {
        Path installed = DEPS.resolve("node_modules").resolve("playwright-core");
        Path lock = JS.resolve("package-lock.json");
        Path copiedLock = DEPS.resolve("package-lock.json");
        boolean current = Files.isDirectory(installed) && Files.exists(copiedLock)
                && Files.mismatch(lock, copiedLock) == -1;
        if (!current) {
            Files.createDirectories(DEPS);
            Files.copy(JS.resolve("package.json"), DEPS.resolve("package.json"), StandardCopyOption.REPLACE_EXISTING);
            Files.copy(lock, copiedLock, StandardCopyOption.REPLACE_EXISTING);
            int exit = ProcessRun.run("npm-ci", List.of(npm.toString(), "ci", "--no-audit", "--no-fund"), DEPS,
                    Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1"), Duration.ofMinutes(5));
            if (exit != 0) {
                Files.deleteIfExists(copiedLock);
            }
            assertEquals(0, exit, "npm ci of playwright-core failed; its output is above");
        }
        return RequiredTool.file(installed, "playwright-core");
    }
}
