package dev.claudesse.store;

import org.apache.catalina.Context;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.ContextResource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A DataSource declared in the container (as an operator would in Tomcat's context.xml) is found through
 * JNDI at java:comp/env/jdbc/claude and used instead of the embedded H2 file.
 */
class StoreFactoryJndiTest {

    @TempDir
    Path dir;

    @Test
    void theContainersDataSourceIsUsedWhenDeclared() throws Exception {
        String url = "jdbc:h2:mem:jndi-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
        Path dataDir = dir.resolve("data");
        AtomicReference<Object> outcome = new AtomicReference<>();

        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(dir.resolve("tomcat").toString());
        tomcat.setPort(0);
        tomcat.getConnector().setProperty("address", "127.0.0.1");
        tomcat.enableNaming();
        Context context = tomcat.addContext("", Files.createDirectories(dir.resolve("docs")).toString());
        ContextResource resource = new ContextResource();
        resource.setName("jdbc/claude");
        resource.setType(JdbcDataSource.class.getName());
        resource.setProperty("factory", "org.h2.jdbcx.JdbcDataSourceFactory");
        resource.setProperty("url", url);
        resource.setProperty("user", "sa");
        resource.setProperty("password", "");
        resource.setProperty("description", "claude-sse test");
        resource.setProperty("loginTimeout", "0");
        context.getNamingResources().addResource(resource);
        // Runs while the webapp starts, inside its naming environment, like the app's own listener.
        context.addServletContainerInitializer((classes, servletContext) -> {
            Map<String, String> settings = Map.of(StoreFactory.DATA_DIR_SETTING, dataDir.toString());
            try (JdbcConversationStore store = StoreFactory.open(settings::get, "")) {
                outcome.set(store.begin(StoreFixtures.question("alice", null, "via JNDI")).conversationId());
            } catch (Exception e) {
                outcome.set(e);
            }
        }, null);
        tomcat.start();
        try {
            Object result = outcome.get();
            assertTrue(result instanceof String, "store opened through JNDI: " + result);
            JdbcDataSource direct = new JdbcDataSource();
            direct.setURL(url);
            direct.setUser("sa");
            try (var connection = direct.getConnection();
                 var query = connection.prepareStatement("SELECT title FROM conversations WHERE id = ?")) {
                query.setString(1, (String) result);
                try (var rows = query.executeQuery()) {
                    assertTrue(rows.next(), "the conversation is in the JNDI database");
                    assertEquals("via JNDI", rows.getString(1));
                }
            }
            assertTrue(Files.notExists(dataDir.resolve("claude.mv.db")), "no embedded H2 file was made");
        } finally {
            tomcat.stop();
            tomcat.destroy();
        }
    }
}
