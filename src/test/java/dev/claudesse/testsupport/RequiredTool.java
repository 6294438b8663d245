package dev.claudesse.testsupport;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A system tool a test needs (node, npm, chromium). Missing outside CI: the test is skipped with a loud
 * message. Missing in CI (env CI=true): the test fails, because CI must run every test.
 */
public final class RequiredTool {

    private RequiredTool() {
    }

    /** The executable found on PATH (or at the path an environment variable names), else skip or fail. */
    public static Path find(String name, String envOverride, String installHint) {
        String override = envOverride == null ? null : System.getenv(envOverride);
        Optional<Path> found = override != null && !override.isBlank()
                ? Optional.of(Path.of(override)).filter(Files::isExecutable)
                : onPath(name);
        return found.orElseGet(() -> missing(name + " is not installed (" + installHint + ")"));
    }

    /** A file the test needs (e.g. an installed package), else skip or fail. */
    public static Path file(Path path, String what) {
        return Files.exists(path) ? path : missing(what + " is missing: " + path);
    }

    static Optional<Path> onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    private static <T> T missing(String why) {
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            return Assertions.fail("CI must run this test, but " + why);
        }
        String banner = "#".repeat(78);
        System.err.println(banner + "\n# SKIPPED: " + why + "\n# (in CI, with CI=true, this test fails instead)\n" + banner);
        Assumptions.abort("skipped outside CI: " + why);
        return null;
    }
}
