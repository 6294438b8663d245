package dev.claudesse.dev;

import dev.claudesse.testsupport.EmbeddedApp;

import java.nio.file.Path;

/**
 * The README's run command: the webapp on embedded Tomcat at http://localhost:PORT/ (default 8080).
 * Settings come from the environment or -D system properties, as in any deployment.
 */
public final class DevServer {

    private static final String DATA_DIR = "CLAUDE_SSE_DATA_DIR";

    public static void main(String[] args) throws Exception {
        String port = System.getenv().getOrDefault("PORT", System.getProperty("PORT", "8080"));
        // Tomcat's base is a new temp folder each run: keep conversations in ./data unless told otherwise.
        if (System.getenv(DATA_DIR) == null && System.getProperty(DATA_DIR) == null) {
            System.setProperty(DATA_DIR, Path.of("data").toAbsolutePath().toString());
        }
        EmbeddedApp app = EmbeddedApp.startAsDeployed(Integer.parseInt(port));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                app.close();
            } catch (Exception e) {
                System.err.println("stopping: " + e.getMessage());
            }
        }));
        System.out.println("claude-sse is running at http://localhost:" + app.port() + "/  (Ctrl+C stops it)");
        app.await();
    }
}
