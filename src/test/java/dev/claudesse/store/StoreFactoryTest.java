package dev.claudesse.store;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

import static dev.claudesse.store.StoreFixtures.awaitWritten;
import static dev.claudesse.store.StoreFixtures.complete;
import static dev.claudesse.store.StoreFixtures.question;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StoreFactoryTest {

    @TempDir
    Path dir;
    final Map<String, String> settings = new HashMap<>();
    final Function<String, String> lookup = settings::get;
    private final String savedCatalinaBase = System.getProperty("catalina.base");
    private final String savedJettyBase = System.getProperty("jetty.base");
    private final String savedHome = System.getProperty("user.home");

    @AfterEach
    void restoreProperties() {
        restore("catalina.base", savedCatalinaBase);
        restore("jetty.base", savedJettyBase);
        restore("user.home", savedHome);
    }

    @Test
    void withoutJndiTheStoreIsAnH2FileInTheDataDirThatSurvivesARestart() throws Exception {
        settings.put(StoreFactory.DATA_DIR_SETTING, dir.resolve("data").toString());
        AnswerStart start = question("alice", null, "remember me");
        try (JdbcConversationStore store = StoreFactory.open(lookup, "/chat")) {
            store.begin(start);
            store.finish(complete(start.assistantMessageId(), "I will"));
            awaitWritten(store, ConversationStoreContract.WAIT);
        }
        assertTrue(Files.exists(dir.resolve("data/claude.mv.db")), "the H2 file is in the data dir");

        try (JdbcConversationStore store = StoreFactory.open(lookup, "/chat")) {
            assertEquals("I will", store.findAnswer("alice", start.assistantMessageId()).orElseThrow().end().text());
        }
    }

    @Test
    void theDataDirIsTheSettingElseOneForEachDeploymentUnderTheContainersBaseElseInTheHome() {
        System.clearProperty("catalina.base");
        System.clearProperty("jetty.base");
        System.setProperty("user.home", dir.resolve("home").toString());
        assertEquals(dir.resolve("home/.claude-sse/ROOT"), StoreFactory.dataDir(lookup, ""));

        System.setProperty("jetty.base", dir.resolve("jetty").toString());
        assertEquals(dir.resolve("jetty/data/claude-sse/chat"), StoreFactory.dataDir(lookup, "/chat"));

        System.setProperty("catalina.base", dir.resolve("tomcat").toString());
        assertEquals(dir.resolve("tomcat/data/claude-sse/ROOT"), StoreFactory.dataDir(lookup, ""));
        assertEquals(dir.resolve("tomcat/data/claude-sse/chat"), StoreFactory.dataDir(lookup, "/chat"));
        assertEquals(dir.resolve("tomcat/data/claude-sse/team#chat"), StoreFactory.dataDir(lookup, "/team/chat"));
        assertTrue(Files.isDirectory(dir.resolve("tomcat/data/claude-sse/chat")), "created when missing");

        settings.put(StoreFactory.DATA_DIR_SETTING, dir.resolve("mine").toString());
        assertEquals(dir.resolve("mine"), StoreFactory.dataDir(lookup, "/chat"), "a set directory is used as it is");
    }

    @Test
    void aDeploymentNameIsSafeAsADirectoryName() {
        assertEquals("ROOT", StoreFactory.deploymentName(null));
        assertEquals("ROOT", StoreFactory.deploymentName("/"));
        assertEquals("my_chat_", StoreFactory.deploymentName("/my chat?"));
        assertEquals("__", StoreFactory.deploymentName("/.."));
        assertEquals("a#b", StoreFactory.deploymentName("/a/b"));
    }

    @Test
    void twoDeploymentsWithH2RunSideBySideEachWithItsOwnDatabaseAndSpool() throws Exception {
        System.setProperty("catalina.base", dir.resolve("tomcat").toString());
        AnswerStart start = question("alice", null, "which app am I in?");
        try (JdbcConversationStore root = StoreFactory.open(lookup, "");
             JdbcConversationStore chat = StoreFactory.open(lookup, "/chat")) {
            root.begin(start);
            assertTrue(chat.findConversation("alice", root.begin(question("alice", null, "x")).conversationId())
                    .isEmpty(), "the other deployment's conversations are not here");
            assertEquals(dir.resolve("tomcat/data/claude-sse/ROOT/finish-spool.jsonl"), root.spoolFile());
            assertEquals(dir.resolve("tomcat/data/claude-sse/chat/finish-spool.jsonl"), chat.spoolFile());
        }
    }

    @Test
    void aJndiNameSetExplicitlyMustExist() {
        settings.put(StoreFactory.DATA_DIR_SETTING, dir.toString());
        settings.put(StoreFactory.JNDI_SETTING, "java:comp/env/jdbc/missing");

        IllegalStateException failure = assertThrows(IllegalStateException.class, () -> StoreFactory.open(lookup, "/chat"));
        assertTrue(failure.getMessage().contains("java:comp/env/jdbc/missing"), failure.getMessage());
        assertTrue(Files.notExists(dir.resolve("claude.mv.db")), "no silent fall back to H2");
    }

    @Test
    void theHistoryBudgetComesFromTheSetting() {
        assertEquals(StoreFactory.DEFAULT_HISTORY_TOKENS, StoreFactory.historyTokens(lookup));
        settings.put(StoreFactory.HISTORY_TOKENS_SETTING, " 2000 ");
        assertEquals(2000, StoreFactory.historyTokens(lookup));
        settings.put(StoreFactory.HISTORY_TOKENS_SETTING, "lots");
        IllegalArgumentException failure = assertThrows(IllegalArgumentException.class,
                () -> StoreFactory.historyTokens(lookup));
        assertTrue(failure.getMessage().contains(StoreFactory.HISTORY_TOKENS_SETTING));
    }

    @Test
    void theLoggedUrlHasNoCredentials() {
        assertEquals("jdbc:postgresql://db.internal:5432/claude?user=app&password=***&ssl=true",
                StoreFactory.withoutSecrets("jdbc:postgresql://db.internal:5432/claude?user=app&password=s3cret&ssl=true"));
        assertEquals("jdbc:postgresql://db:5432/claude",
                StoreFactory.withoutSecrets("jdbc:postgresql://app:s3cret@db:5432/claude"));
        assertEquals("jdbc:h2:file:/x/claude;PASSWORD=***;X=1",
                StoreFactory.withoutSecrets("jdbc:h2:file:/x/claude;PASSWORD=abc;X=1"));
    }

    private static void restore(String name, String value) {
        if (value == null) {
            System.clearProperty(name);
        } else {
            System.setProperty(name, value);
        }
    }
}
