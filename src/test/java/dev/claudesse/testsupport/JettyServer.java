package dev.claudesse.testsupport;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The unpacked Eclipse Jetty distribution (jetty-home) with a jetty.base under target/it/, made the way
 * the README says: start.jar --add-modules, the WAR unchanged and the project's conf/jetty/claude-sse.xml
 * side by side in webapps/, jars for the container in lib/ext/.
 */
public final class JettyServer implements AppServer {

    /** Modules the README tells users to enable. */
    public static final String MODULES = "http,ee10-deploy,ee10-plus,ext,graceful";

    private final int port;
    private final ServerProcess process;

    private JettyServer(int port, ServerProcess process) {
        this.port = port;
        this.process = process;
    }

    public static JettyServer start(String label, Map<String, String> env, Map<String, String> properties,
                                    List<Path> extJars) throws IOException, InterruptedException {
        Path home = Distributions.jettyHome();
        Path base = Distributions.freshDirectory(label);
        addModules(home, base);
        Files.createDirectories(base.resolve("work")); // Jetty unpacks the WAR here instead of /tmp
        Files.createDirectories(base.resolve("lib/ext"));
        for (Path jar : extJars) {
            Files.copy(jar, base.resolve("lib/ext").resolve(jar.getFileName()));
        }
        Files.copy(Distributions.war(), base.resolve("webapps/claude-sse.war"));
        Files.copy(Distributions.projectFile("conf/jetty/claude-sse.xml"), base.resolve("webapps/claude-sse.xml"));

        int port = FreePort.pick();
        List<String> command = new ArrayList<>(List.of(Distributions.java().toString(), "-Xmx256m"));
        properties.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.addAll(List.of("-jar", home.resolve("start.jar").toString(), "jetty.home=" + home, "jetty.base=" + base,
                "jetty.http.host=127.0.0.1", "jetty.http.port=" + port));
        ServerProcess process = ServerProcess.start("jetty " + label, command, base, env, base.resolve("console.log"));
        JettyServer server = new JettyServer(port, process);
        try {
            process.awaitOk(server.baseUri().resolve("api/health"), Duration.ofSeconds(60));
        } catch (AssertionError | InterruptedException e) {
            process.close();
            throw e;
        }
        return server;
    }

    private static void addModules(Path home, Path base) throws IOException, InterruptedException {
        Process add = new ProcessBuilder(Distributions.java().toString(), "-jar", home.resolve("start.jar").toString(),
                "jetty.home=" + home, "jetty.base=" + base, "--add-modules=" + MODULES)
                .directory(base.toFile()).redirectErrorStream(true).redirectOutput(base.resolve("add-modules.log").toFile())
                .start();
        if (!add.waitFor(60, TimeUnit.SECONDS) || add.exitValue() != 0) {
            add.destroyForcibly();
            throw new IllegalStateException("start.jar --add-modules failed:\n"
                    + Files.readString(base.resolve("add-modules.log")));
        }
    }

    @Override
    public URI baseUri() {
        return URI.create("http://127.0.0.1:" + port + "/");
    }

    @Override
    public ServerProcess process() {
        return process;
    }

    @Override
    public void close() throws InterruptedException {
        process.close();
    }
}
