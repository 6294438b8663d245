package dev.claudesse.testsupport;

import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.LifecycleListener;
import org.apache.catalina.core.NamingContextListener;
import org.apache.catalina.Wrapper;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.ContextResource;
import org.apache.tomcat.util.scan.StandardJarScanner;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The webapp (webapp/ with its web.xml, classes from the class path) on a real embedded Tomcat with
 * real sockets. Settings go in as context parameters, the way an operator's context.xml would.
 */
public final class EmbeddedApp implements AutoCloseable {

    private static final AtomicInteger NAMED_ENGINES = new AtomicInteger();

    private final Tomcat tomcat;
    private final Context context;

    private EmbeddedApp(Tomcat tomcat, Context context) {
        this.tomcat = tomcat;
        this.context = context;
    }

    public static EmbeddedApp start(int port, Map<String, String> settings) throws IOException, LifecycleException {
        return start(port, settings, "");
    }

    /** The same under a context path such as "/chat" ("" is the root), as a shared Tomcat would deploy it. */
    public static EmbeddedApp start(int port, Map<String, String> settings, String contextPath)
            throws IOException, LifecycleException {
        return start(port, settings, contextPath, context -> { });
    }

    /**
     * The same, with the webapp's context configured further before it starts, as an operator's context.xml
     * or the container would (a realm, a login, security constraints).
     */
    public static EmbeddedApp start(int port, Map<String, String> settings, String contextPath,
                                    Consumer<Context> configure) throws IOException, LifecycleException {
        return start(port, settings, contextPath, configure, false, true);
    }

    /**
     * The README's run command: the webapp at the root with no settings of a test's, so every setting comes
     * from the environment or system properties, with the defaults a deployment has.
     */
    public static EmbeddedApp startAsDeployed(int port) throws IOException, LifecycleException {
        return start(port, Map.of(), "", context -> { }, false, false);
    }

    /**
     * The webapp with JNDI on, and the container's DataSource at java:comp/env/jdbc/claude (as an
     * operator's context.xml declares it): here a PostgreSQL database, shared by every app given the same one.
     */
    public static EmbeddedApp startWithPostgres(int port, Map<String, String> settings, PostgresServer postgres,
                                                String database) throws IOException, LifecycleException {
        return start(port, settings, "", context -> {
            ContextResource resource = new ContextResource();
            resource.setName("jdbc/claude");
            resource.setType("org.postgresql.ds.PGSimpleDataSource");
            resource.setProperty("factory", "org.postgresql.ds.common.PGObjectFactory");
            resource.setProperty("serverName", "127.0.0.1");
            resource.setProperty("portNumber", Integer.toString(postgres.port()));
            resource.setProperty("databaseName", database);
            resource.setProperty("user", PostgresServer.USER);
            context.getNamingResources().addResource(resource);
        }, true, true);
    }

    private static EmbeddedApp start(int port, Map<String, String> settings, String contextPath,
                                     Consumer<Context> configure, boolean naming, boolean testDefaults)
            throws IOException, LifecycleException {
        Path base = Files.createTempDirectory("claude-sse-tomcat");
        Tomcat tomcat = new Tomcat();
        if (naming) {
            tomcat.enableNaming();
            // naming contexts are known by their container's names: several Tomcats in one JVM need their own
            tomcat.getEngine().setName("Tomcat-" + NAMED_ENGINES.incrementAndGet());
            // the server's global naming context is one static slot that the last Tomcat started would own, and
            // the others' stop would be refused; the webapp's own java:comp/env needs no global context
            for (LifecycleListener listener : tomcat.getServer().findLifecycleListeners()) {
                if (listener instanceof NamingContextListener) {
                    tomcat.getServer().removeLifecycleListener(listener);
                }
            }
        }
        tomcat.setBaseDir(base.toString());
        Connector connector = new Connector();
        connector.setPort(port);
        connector.setProperty("address", "127.0.0.1");
        // as conf/tomcat/server-connector.xml recommends: a listen backlog that a burst of new answers does not
        // overflow (Tomcat's 100 drops connections, which the client's kernel retries only after a second)
        connector.setProperty("acceptCount", "1024");
        // as conf/tomcat/server-connector.xml recommends: the port closes as soon as a stop begins, so a proxy's
        // new connections are refused (it tries another node) instead of waiting in the backlog of a paused one
        connector.setProperty("bindOnInit", "false");
        // Tomcat's NIO connector holds 8,192 connections by default; the bench's c16000h2 needs more
        String maxConnections = System.getProperty("claudesse.maxConnections");
        if (maxConnections != null) {
            connector.setProperty("maxConnections", maxConnections);
        }
        tomcat.setConnector(connector);
        Files.createDirectories(base.resolve("webapps"));
        tomcat.getHost().setAppBase(base.resolve("webapps").toString());
        // Tomcat's embedded defaults include a JSP servlet this app neither needs nor ships.
        tomcat.setAddDefaultWebXmlToWebapp(false);
        Context context = tomcat.addWebapp(contextPath, webappDirectory().getAbsolutePath());
        ((StandardJarScanner) context.getJarScanner()).setScanClassPath(false);
        Wrapper files = Tomcat.addServlet(context, "default", "org.apache.catalina.servlets.DefaultServlet");
        files.addInitParameter("listings", "false");
        files.setLoadOnStartup(1);
        context.addServletMappingDecoded("/", "default");
        Tomcat.addDefaultMimeTypeMappings(context);
        settings.forEach(context::addParameter);
        if (testDefaults && !settings.containsKey("CLAUDE_SSE_DRAIN_SECONDS")) {
            // tests close apps with gated answers still running: end them at once, as before drains existed
            context.addParameter("CLAUDE_SSE_DRAIN_SECONDS", "0");
        }
        configure.accept(context);
        tomcat.start();
        return new EmbeddedApp(tomcat, context);
    }

    /** webapp/ of the project, found from the working directory Maven runs in. */
    static File webappDirectory() {
        File dir = new File("webapp");
        if (!new File(dir, "WEB-INF/web.xml").isFile()) {
            throw new IllegalStateException("run from the project folder: webapp/WEB-INF/web.xml not found");
        }
        return dir;
    }

    public int port() {
        return tomcat.getConnector().getLocalPort();
    }

    public URI baseUri() {
        return URI.create("http://127.0.0.1:" + port() + context.getPath() + "/");
    }

    public Context context() {
        return context;
    }

    /**
     * Serves the files of dir under another context path of the same Tomcat, as a team serves its own
     * frontend next to the WAR (same origin, so the app's owner cookie goes with the frontend's calls).
     */
    public URI serveFiles(String contextPath, Path dir) {
        Context files = tomcat.addContext(contextPath, dir.toAbsolutePath().toString());
        Wrapper servlet = Tomcat.addServlet(files, "default", "org.apache.catalina.servlets.DefaultServlet");
        servlet.addInitParameter("listings", "false");
        servlet.setLoadOnStartup(1);
        files.addServletMappingDecoded("/", "default");
        files.addWelcomeFile("index.html");
        Tomcat.addDefaultMimeTypeMappings(files);
        return URI.create("http://127.0.0.1:" + port() + contextPath + "/");
    }

    /**
     * Listens on one more port too: pages served from there are of another origin than the app on
     * port(), yet of the same site (127.0.0.1), as a team's frontend on its own port would be.
     */
    public void listenAlsoOn(int port) {
        Connector connector = new Connector();
        connector.setPort(port);
        connector.setProperty("address", "127.0.0.1");
        tomcat.getService().addConnector(connector);
    }

    /** Blocks the caller until the server is stopped (for the run command). */
    public void await() {
        tomcat.getServer().await();
    }

    @Override
    public void close() throws LifecycleException {
        tomcat.stop();
        tomcat.destroy();
    }
}
