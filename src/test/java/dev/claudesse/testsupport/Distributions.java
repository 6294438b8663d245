package dev.claudesse.testsupport;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Where the built WAR and the unpacked Tomcat and Jetty distributions are: failsafe passes their paths
 * as system properties (see the pom); `mvn verify` builds the WAR and unpacks them before the tests.
 */
public final class Distributions {

    private Distributions() {
    }

    public static Path war() {
        return existing("claudesse.war");
    }

    public static Path tomcatHome() {
        return existing("claudesse.tomcat.home");
    }

    /** Tomcat 10.1, the older line that also implements Servlet 6.0. */
    public static Path tomcat101Home() {
        return existing("claudesse.tomcat101.home");
    }

    public static Path jettyHome() {
        return existing("claudesse.jetty.home");
    }

    /** The JDK running the tests (21+), also used to run the servers. */
    public static Path javaHome() {
        return Path.of(System.getProperty("java.home"));
    }

    public static Path java() {
        return javaHome().resolve("bin/java");
    }

    /** The PostgreSQL JDBC driver jar of the test class path: users put it in the container's lib. */
    public static Path postgresDriverJar() {
        try {
            return Path.of(org.postgresql.Driver.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A file of the project itself, e.g. conf/tomcat/context.xml: tests use these, never copies. */
    public static Path projectFile(String relative) {
        Path file = Path.of(relative).toAbsolutePath();
        if (!Files.exists(file)) {
            throw new IllegalStateException("run from the project folder: " + relative + " not found");
        }
        return file;
    }

    /** An empty folder target/it/{name}, emptied if a previous run left it. */
    public static Path freshDirectory(String name) throws IOException {
        Path dir = Path.of("target", "it", name).toAbsolutePath();
        deleteTree(dir);
        return Files.createDirectories(dir);
    }

    public static void copyTree(Path from, Path to) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Files.createDirectories(to.resolve(from.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.copy(file, to.resolve(from.relativize(file).toString()), StandardCopyOption.REPLACE_EXISTING);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static Path existing(String property) {
        String value = System.getProperty(property);
        if (value == null || !Files.exists(Path.of(value))) {
            throw new IllegalStateException("system property " + property + " is " + value
                    + ": run these tests with `mvn verify`, which builds the WAR and unpacks the distributions");
        }
        return Path.of(value);
    }
}
