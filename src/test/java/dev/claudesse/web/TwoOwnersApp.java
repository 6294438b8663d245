package dev.claudesse.web;

import dev.claudesse.fake.FakeClaude;
import dev.claudesse.testsupport.Browser;
import dev.claudesse.testsupport.EmbeddedApp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * What the tests of owners' conversations share: the app on an embedded Tomcat against a fake Claude, with its
 * data in a directory of the test's own, and two anonymous owners' browsers, alice and bob, to show that one
 * never sees or changes what is the other's. startApp() again starts the app anew on the same data.
 */
abstract class TwoOwnersApp {

    static final String ALICE = "alice-anonymous-owner-id-0001";
    static final String BOB = "bob-anonymous-owner-id-00000002";

    @TempDir
    Path dataDir;
    FakeClaude fake;
    EmbeddedApp app;
    Browser alice;
    Browser bob;

    /** Settings of the test's own, besides the key, Claude's address and the data directory. */
    Map<String, String> settings() {
        return Map.of();
    }

    @BeforeEach
    void startFakeAndApp() throws Exception {
        fake = FakeClaude.start();
        startApp();
    }

    void startApp() throws Exception {
        Map<String, String> settings = new HashMap<>(settings());
        settings.put("ANTHROPIC_API_KEY", "sk-ant-test-" + getClass().getSimpleName());
        settings.put("ANTHROPIC_BASE_URL", fake.baseUrl().toString());
        settings.put("CLAUDE_SSE_DATA_DIR", dataDir.toString());
        app = EmbeddedApp.start(0, settings);
        alice = new Browser(app.baseUri(), ALICE);
        bob = new Browser(app.baseUri(), BOB);
    }

    @AfterEach
    void stopAppAndFake() throws Exception {
        if (app != null) {
            app.close();
        }
        if (fake != null) {
            fake.close();
        }
    }
}
