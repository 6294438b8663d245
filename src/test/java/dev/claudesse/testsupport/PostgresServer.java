package dev.claudesse.testsupport;

import org.junit.jupiter.api.Assumptions;
import org.postgresql.ds.PGSimpleDataSource;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server for tests: Debian's binaries from /usr/lib/postgresql/N/bin, a fresh cluster
 * (initdb) under target/, listening on a free port of 127.0.0.1 only (no Unix socket), trust auth for
 * user "claude". PostgreSQL refuses to run as root, so as root it runs as the system user postgres
 * (created when missing) through runuser. stopServer()/startServer() simulate an outage on the same port.
 *
 * <p>When the binaries are absent the calling test is skipped with a loud message, except in CI (env
 * CI=true) where it fails: src/test/sh/install-system-packages.sh installs them.
 */
public final class PostgresServer implements AutoCloseable {

    public static final String USER = "claude";
    private static final String RUN_AS = "postgres";
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static PostgresServer shared;

    private final Path bin;
    private final Path base;
    private final Path data;
    private final int port;
    private volatile boolean running;

    private PostgresServer(Path bin, Path base, int port) {
        this.bin = bin;
        this.base = base;
        this.data = base.resolve("data");
        this.port = port;
    }

    /** One server for the whole test JVM, for tests that never stop it; stopped when the JVM exits. */
    public static synchronized PostgresServer shared() throws IOException {
        if (shared == null) {
            shared = start("shared");
        }
        return shared;
    }

    /** A new cluster of its own under target/postgres/NAME-..., started; close() stops and deletes it. */
    public static PostgresServer start(String name) throws IOException {
        Path bin = binariesOrSkip();
        Path root = Path.of("target", "postgres").toAbsolutePath();
        Files.createDirectories(root);
        Path base = Files.createTempDirectory(root, name + "-");
        PostgresServer server = new PostgresServer(bin, base, freePort());
        server.initialize();
        server.startServer();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.close();
            } catch (IOException | RuntimeException e) {
                System.err.println("PostgresServer: cleanup failed: " + e.getMessage());
            }
        }));
        return server;
    }

    /** The newest /usr/lib/postgresql/N/bin holding pg_ctl; skips (or fails in CI) when there is none. */
    public static Path binariesOrSkip() {
        Optional<Path> found = findBinaries();
        if (found.isPresent()) {
            return found.get();
        }
        String message = "PostgreSQL binaries not found under /usr/lib/postgresql/*/bin: install the Debian"
                + " package postgresql (src/test/sh/install-system-packages.sh)";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new IllegalStateException("CI=true and " + message);
        }
        System.err.println("\n*****************************************************************************");
        System.err.println("*** SKIPPED: " + message);
        System.err.println("*****************************************************************************\n");
        Assumptions.abort(message);
        throw new AssertionError("unreachable");
    }

    static Optional<Path> findBinaries() {
        Path root = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(root)) {
            return Optional.empty();
        }
        try (Stream<Path> versions = Files.list(root)) {
            return versions.map(v -> v.resolve("bin"))
                    .filter(b -> Files.isExecutable(b.resolve("pg_ctl")) && Files.isExecutable(b.resolve("initdb")))
                    .max(Comparator.comparingInt(PostgresServer::majorVersion));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static int majorVersion(Path bin) {
        try {
            return Integer.parseInt(bin.getParent().getFileName().toString());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    public int port() {
        return port;
    }

    public boolean isRunning() {
        return running;
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    /** A connection-per-call DataSource (no pool) on the given database, as user claude. */
    public DataSource dataSource(String database) {
        PGSimpleDataSource source = new PGSimpleDataSource();
        source.setServerNames(new String[] {"127.0.0.1"});
        source.setPortNumbers(new int[] {port});
        source.setDatabaseName(database);
        source.setUser(USER);
        source.setConnectTimeout(5);
        source.setSocketTimeout(30);
        return source;
    }

    /** Creates an empty database with a new name and returns the name. */
    public String createDatabase() throws SQLException {
        String name = "test_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
        try (Connection connection = dataSource("postgres").getConnection();
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        }
        return name;
    }

    /** Stops the server (fast: open connections are cut), keeping its data; startServer() brings it back. */
    public synchronized void stopServer() throws IOException {
        run(List.of(bin.resolve("pg_ctl").toString(), "stop", "-D", data.toString(), "-m", "fast", "-w",
                "-t", "60"));
        running = false;
    }

    /** Starts (or restarts) the server on the same port and data. */
    public synchronized void startServer() throws IOException {
        run(List.of(bin.resolve("pg_ctl").toString(), "start", "-D", data.toString(), "-w", "-t", "60",
                "-l", base.resolve("postgres.log").toString()));
        running = true;
    }

    @Override
    public void close() throws IOException {
        stopQuietly();
        deleteTree(base);
    }

    private void initialize() throws IOException {
        if (isRoot()) {
            ensureRunAsUser();
            chown(base);
        }
        run(List.of(bin.resolve("initdb").toString(), "-D", data.toString(), "-U", USER, "-A", "trust",
                "-E", "UTF8", "--locale=C", "--no-sync"));
        // Listen on 127.0.0.1 only, on our port; no Unix socket, so no clash with a system cluster.
        Files.writeString(data.resolve("postgresql.conf"), """

                listen_addresses = '127.0.0.1'
                port = %d
                unix_socket_directories = ''
                max_connections = 50
                """.formatted(port), StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
    }

    private void stopQuietly() {
        if (running) {
            try {
                run(List.of(bin.resolve("pg_ctl").toString(), "stop", "-D", data.toString(), "-m", "immediate",
                        "-w"));
                running = false;
            } catch (IOException | RuntimeException e) {
                System.err.println("PostgresServer: stop failed: " + e.getMessage());
            }
        }
    }

    /** Runs a PostgreSQL tool, as user postgres when we are root; fails with its output. */
    private void run(List<String> command) throws IOException {
        List<String> full = new ArrayList<>();
        if (isRoot()) {
            full.addAll(List.of("runuser", "-u", RUN_AS, "--"));
        }
        full.addAll(command);
        Path output = Files.createTempFile("pg-tool", ".out");
        try {
            Process process = new ProcessBuilder(full).redirectErrorStream(true)
                    .redirectOutput(output.toFile()).start();
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("timed out: " + String.join(" ", full));
            }
            if (process.exitValue() != 0) {
                throw new IOException("failed (" + process.exitValue() + "): " + String.join(" ", full) + "\n"
                        + Files.readString(output) + logTail());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + String.join(" ", full), e);
        } finally {
            Files.deleteIfExists(output);
        }
    }

    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(base.resolve("postgres.log"));
            return "\nlog:\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "";
        }
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static void ensureRunAsUser() throws IOException {
        try {
            Process check = new ProcessBuilder("id", "-u", RUN_AS).redirectErrorStream(true).start();
            check.getInputStream().readAllBytes();
            if (check.waitFor() == 0) {
                return;
            }
            Process add = new ProcessBuilder("useradd", "--system", "--no-create-home", "--shell",
                    "/usr/sbin/nologin", RUN_AS).inheritIO().start();
            if (add.waitFor() != 0) {
                throw new IOException("cannot create the system user " + RUN_AS + " to run PostgreSQL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private static void chown(Path path) throws IOException {
        UserPrincipalLookupService users = path.getFileSystem().getUserPrincipalLookupService();
        PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class);
        view.setOwner(users.lookupPrincipalByName(RUN_AS));
        GroupPrincipal group = users.lookupPrincipalByGroupName(RUN_AS);
        view.setGroup(group);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
