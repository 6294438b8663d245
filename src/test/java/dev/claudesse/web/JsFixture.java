package dev.claudesse.web;

import dev.claudesse.fake.FakeClaude;
import dev.claudesse.store.AnswerStatus;
import dev.claudesse.store.StoredAnswer;
import dev.claudesse.testsupport.EmbeddedApp;
import dev.claudesse.testsupport.ProcessRun;
import dev.claudesse.testsupport.RequiredTool;
import dev.claudesse.testsupport.ScriptControl;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What the JavaScript tests run against: the app on embedded Tomcat in front of a fake Claude, and the
 * control API through which the scripts say what the fake answers and read what the store saved.
 */
final class JsFixture implements AutoCloseable {

    static final String KEY = "sk-ant-test-JS-SECRET-7777";

    final FakeClaude fake;
    final EmbeddedApp app;
    final ScriptControl control;

    private JsFixture(FakeClaude fake, EmbeddedApp app) {
        this.fake = fake;
        this.app = app;
        this.control = ScriptControl.start(fake, this::saved);
    }

    /**
     * For working on the scripts by hand: starts the fixture and prints the environment to run them with,
     * e.g. {@code mvn -q test-compile exec:exec -Drun.main=dev.claudesse.web.JsFixture}, then in src/test/js
     * {@code CLAUDE_SSE_BASE=.. CLAUDE_SSE_CONTROL=.. node --test client.it.mjs}.
     */
    public static void main(String[] args) throws Exception {
        JsFixture fixture = start(args.length > 0 ? args[0] : "");
        fixture.env().forEach((k, v) -> System.out.println("export " + k + "=" + v));
        fixture.app.await();
    }

    static JsFixture start(String contextPath) throws Exception {
        return start(contextPath, Map.of());
    }

    /** The fixture with more settings for the app, e.g. a short CLAUDE_SSE_REPLAY_SECONDS. */
    static JsFixture start(String contextPath, Map<String, String> settings) throws Exception {
        FakeClaude fake = FakeClaude.start();
        Path dataDir = Files.createTempDirectory("claude-sse-js");
        Map<String, String> env = new HashMap<>(Map.of(
                "CLAUDE_SSE_DATA_DIR", dataDir.toString(),
                "ANTHROPIC_API_KEY", KEY,
                "ANTHROPIC_BASE_URL", fake.baseUrl().toString(),
                "CLAUDE_SSE_PING_SECONDS", "2",
                "CLAUDE_SSE_MAX_ANSWERS_PER_OWNER", "8"));
        env.putAll(settings);
        EmbeddedApp app = EmbeddedApp.start(0, Map.copyOf(env), contextPath);
        return new JsFixture(fake, app);
    }

    static final Path JS = Path.of("src", "test", "js");
    static final Path DEPS = Path.of("target", "js-deps");

    /**
     * npm ci of src/test/js/package-lock.json into target/js-deps, once per lock file: playwright-core (no
     * browser is downloaded), jsdom, and the pinned markdown-it and dompurify that webapp/vendor/ must equal.
     * Returns target/js-deps/node_modules.
     */
    static synchronized Path installNpmDeps() throws Exception {
        Path npm = RequiredTool.find("npm", "NPM", "apt-get install npm");
        Path modules = DEPS.resolve("node_modules");
        Path lock = JS.resolve("package-lock.json");
        Path copiedLock = DEPS.resolve("package-lock.json");
        boolean current = Files.isDirectory(modules) && Files.exists(copiedLock)
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
            assertEquals(0, exit, "npm ci of src/test/js/package-lock.json failed; its output is above");
        }
        return modules.toAbsolutePath();
    }

    /** Node, required like every system tool the tests use. */
    static Path node() {
        return RequiredTool.find("node", "NODE", "apt-get install nodejs, version 18 or later");
    }

    /**
     * What a script that drives Debian's Chromium reads besides the addresses: the npm packages (JS_DEPS),
     * the browser (CHROMIUM), playwright-core (PLAYWRIGHT_CORE) and where screenshots go (SCREENSHOTS,
     * target/screenshots, created here).
     */
    static Map<String, String> chromiumEnv() throws Exception {
        Path chromium = RequiredTool.find("chromium", "CHROMIUM", "apt-get install chromium");
        Path deps = installNpmDeps();
        Path playwright = RequiredTool.file(deps.resolve("playwright-core"), "playwright-core");
        Path screenshots = SCREENSHOTS.toAbsolutePath();
        Files.createDirectories(screenshots);
        Map<String, String> env = new HashMap<>();
        env.put("JS_DEPS", deps.toString());
        env.put("CHROMIUM", chromium.toString());
        env.put("PLAYWRIGHT_CORE", playwright.toAbsolutePath().toString());
        env.put("SCREENSHOTS", screenshots.toString());
        return env;
    }

    static final Path SCREENSHOTS = Path.of("target", "screenshots");

    /** The environment the scripts read their addresses from. */
    Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("CLAUDE_SSE_BASE", app.baseUri().toString());
        env.put("CLAUDE_SSE_CONTROL", control.baseUri().toString());
        return env;
    }

    /** The answer as the store kept it once it ended; owner is what Owners makes of the request ("anon:<cookie>"). */
    private Optional<Map<String, Object>> saved(String owner, String messageId) {
        App running = App.from(app.context().getServletContext());
        Optional<StoredAnswer> stored = running.store.findAnswer(owner, messageId);
        return stored.filter(s -> s.end().status() != AnswerStatus.STREAMING).map(s -> {
            Map<String, Object> out = new HashMap<>();
            out.put("text", s.end().text());
            out.put("status", s.end().status().wireName());
            out.put("stopReason", s.end().stopReason());
            return out;
        });
    }

    @Override
    public void close() throws Exception {
        control.close();
        app.close();
        fake.close();
    }
}
