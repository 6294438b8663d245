package dev.claudesse.testsupport;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The unpacked Apache Tomcat distribution, run by its own bin/catalina.sh with a CATALINA_BASE under
 * target/it/: conf/ from the distribution (server.xml only moved to a free port on 127.0.0.1), the
 * WAR unchanged as webapps/ROOT.war, and the project's conf/tomcat/context.xml as its descriptor.
 */
public final class TomcatServer implements AppServer {

    private final Path base;
    private final int port;
    private final ServerProcess process;

    private TomcatServer(Path base, int port, ServerProcess process) {
        this.base = base;
        this.port = port;
        this.process = process;
    }

    /**
     * @param env         environment of the server, e.g. ANTHROPIC_BASE_URL (settings work from there)
     * @param properties  Java system properties, e.g. claude.sse.jdbc.url used by context.xml
     * @param libJars     jars for CATALINA_BASE/lib, e.g. the PostgreSQL driver
     */
    public static TomcatServer start(String label, Map<String, String> env, Map<String, String> properties,
                                     List<Path> libJars) throws IOException, InterruptedException {
        return start(Distributions.tomcatHome(), label, env, properties, libJars);
    }

    /** The same, from another Tomcat distribution (e.g. 10.1). */
    public static TomcatServer start(Path home, String label, Map<String, String> env, Map<String, String> properties,
                                     List<Path> libJars) throws IOException, InterruptedException {
        return start(home, label, env, properties, libJars, "256m");
    }

    /** The same with another largest heap (-Xmx), e.g. to show that memory stays bounded. */
    public static TomcatServer start(Path home, String label, Map<String, String> env, Map<String, String> properties,
                                     List<Path> libJars, String maxHeap) throws IOException, InterruptedException {
        Path base = Distributions.freshDirectory(label);
        int port = FreePort.pick();
        Distributions.copyTree(home.resolve("conf"), base.resolve("conf"));
        rewriteServerXml(base.resolve("conf/server.xml"), port);
        for (String dir : List.of("logs", "temp", "work", "webapps", "lib")) {
            Files.createDirectories(base.resolve(dir));
        }
        for (Path jar : libJars) {
            Files.copy(jar, base.resolve("lib").resolve(jar.getFileName()));
        }
        TomcatServer server = new TomcatServer(base, port, null);
        server.deploy();

        Map<String, String> environment = new HashMap<>(env);
        environment.put("JAVA_HOME", Distributions.javaHome().toString());
        environment.put("CATALINA_HOME", home.toString());
        environment.put("CATALINA_BASE", base.toString());
        environment.put("CATALINA_OPTS", "-Xmx" + maxHeap + " -Xshare:auto " + properties.entrySet().stream()
                .map(e -> "-D" + e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" ")));
        ServerProcess process = ServerProcess.start("tomcat " + label,
                List.of("/bin/sh", home.resolve("bin/catalina.sh").toString(), "run"),
                base, environment, base.resolve("logs/console.log"));
        TomcatServer started = new TomcatServer(base, port, process);
        try {
            process.awaitOk(started.baseUri().resolve("api/health"), Duration.ofSeconds(60));
        } catch (AssertionError | InterruptedException e) {
            process.close();
            throw e;
        }
        return started;
    }

    /** Free port on 127.0.0.1 for HTTP; no shutdown port (the test stops Tomcat with SIGTERM). */
    private static void rewriteServerXml(Path serverXml, int port) throws IOException {
        String xml = Files.readString(serverXml, StandardCharsets.UTF_8);
        xml = replaceOnce(xml, "<Server port=\"8005\"", "<Server port=\"-1\"");
        xml = replaceOnce(xml, "<Connector port=\"8080\"", "<Connector address=\"127.0.0.1\" port=\"" + port + "\"");
        // Look for added or removed WARs every second instead of every 10, so undeploy tests are quick.
        xml = replaceOnce(xml, "<Engine name=\"Catalina\"", "<Engine backgroundProcessorDelay=\"1\" name=\"Catalina\"");
        Files.writeString(serverXml, xml, StandardCharsets.UTF_8);
    }

    private static String replaceOnce(String text, String what, String with) {
        if (!text.contains(what)) {
            throw new IllegalStateException("server.xml of the distribution has no " + what);
        }
        return text.replace(what, with);
    }

    /** Puts the descriptor and the WAR in place; Tomcat deploys them (at startup, or within a second). */
    public void deploy() throws IOException {
        Path descriptorDir = Files.createDirectories(base.resolve("conf/Catalina/localhost"));
        // Both copied beside their places first, then renamed one right after the other, the WAR first: a
        // running Tomcat checks each second, and a descriptor it sees without its WAR is a failed deployment
        // it never tries again (a WAR seen alone is redeployed once its descriptor appears).
        Path war = stage(Distributions.war(), base.resolve("webapps/ROOT.war"));
        Path descriptor = stage(Distributions.projectFile("conf/tomcat/context.xml"), descriptorDir.resolve("ROOT.xml"));
        place(war, base.resolve("webapps/ROOT.war"));
        place(descriptor, descriptorDir.resolve("ROOT.xml"));
    }

    /**
     * Copies beside the target, then renames: a running Tomcat checks its folders each second and would
     * otherwise read a half-copied descriptor ("Premature end of file") and never deploy it.
     */
    private static void placeAtOnce(Path source, Path target) throws IOException {
        place(stage(source, target), target);
    }

    /** A copy beside the target, under a name Tomcat ignores. */
    private static Path stage(Path source, Path target) throws IOException {
        Path partial = target.resolveSibling("." + target.getFileName() + ".partial");
        Files.copy(source, partial, StandardCopyOption.REPLACE_EXISTING);
        return partial;
    }

    private static void place(Path partial, Path target) throws IOException {
        Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Deploys the WAR once more at /{name}, with no context descriptor (so with its defaults: the embedded
     * H2 database), as a second team on the same Tomcat would; Tomcat picks it up within seconds.
     */
    public void deployAlso(String name) throws IOException {
        placeAtOnce(Distributions.war(), base.resolve("webapps/" + name + ".war"));
    }

    /** Removes the WAR as an operator would; Tomcat undeploys the app within a second or two. */
    public void undeploy() throws IOException {
        Files.delete(base.resolve("webapps/ROOT.war"));
    }

    public Path base() {
        return base;
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
        if (process != null) {
            process.close();
        }
    }
}
