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
 * api/ui/chat (the AI SDK's useChat dialect) driven by the real `ai` package under Node
 * (src/test/js/ui-chat.it.mjs) against the embedded server and the fake Claude.
 */
class UiChatIT {

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
    void theAiSdksTransportAgainstTheServer() throws Exception {
        Path node = RequiredTool.find("node", "NODE", "apt-get install nodejs, version 18 or later");
        Path deps = JsFixture.installNpmDeps();
        Map<String, String> env = fixture.env();
        env.put("JS_DEPS", deps.toString());
        int exit = ProcessRun.run("js-ui-chat", List.of(node.toString(), "--test", "ui-chat.it.mjs"),
                JsFixture.JS, env, Duration.ofMinutes(3));
        assertEquals(0, exit, "node --test ui-chat.it.mjs failed; its output is above");
    }
}
