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
        try (JdbcConversationStore store = StoreFactory.open(lookup)) {
            store.begin(start);
            store.finish(complete(start.assistantMessageId(), "I will"));
            awaitWritten(store, ConversationStoreContract.WAIT);
        }
        assertTrue(Files.exists(dir.resolve("data/claude.mv.db")), "the H2 file is in the data dir");

        try (JdbcConversationStore store = StoreFactory.open(lookup)) {
            assertEquals("I will", store.findAnswer("alice", start.assistantMessageId()).orElseThrow().end().text());
        }
    }

    @Test
    void theDataDirIsTheSettingElseUnderTheContainersBaseElseInTheHome() {
        System.clearProperty("catalina.base");
        System.clearProperty("jetty.base");
        System.setProperty("user.home", dir.resolve("home").toString());
        assertEquals(dir.resolve("home/.claude-sse"), StoreFactory.dataDir(lookup));

        System.setProperty("jetty.base", dir.resolve("jetty").toString());
        assertEquals(dir.resolve("jetty/data/claude-sse"), StoreFactory.dataDir(lookup));

        System.setProperty("catalina.base", dir.resolve("tomcat").toString());
        assertEquals(dir.resolve("tomcat/data/claude-sse"), StoreFactory.dataDir(lookup));
        assertTrue(Files.isDirectory(dir.resolve("tomcat/data/claude-sse")), "created when missing");

        settings.put(StoreFactory.DATA_DIR_SETTING, dir.resolve("mine").toString());
        assertEquals(dir.resolve("mine"), StoreFactory.dataDir(lookup));
    }

    @Test
    void aJndiNameSetExplicitlyMustExist() {
        settings.put(StoreFactory.DATA_DIR_SETTING, dir.toString());
        settings.put(StoreFactory.JNDI_SETTING, "java:comp/env/jdbc/missing");

        IllegalStateException failure = assertThrows(IllegalStateException.class, () -> StoreFactory.open(lookup));
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
