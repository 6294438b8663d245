package dev.claudesse.testsupport;

import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A program of the machine a test needs (nginx, PostgreSQL, Chromium). Missing outside CI: the test is
 * skipped with a loud message. Missing in CI (CI=true): the test fails, because CI must run it.
 */
public final class SystemTool {

    private SystemTool() {
    }

    public static Path require(String path, String what) {
        Path tool = Path.of(path);
        if (Files.isExecutable(tool)) {
            return tool;
        }
        String message = what + " is not installed (" + path + "); install it with"
                + " `sudo src/test/sh/install-system-packages.sh`";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError("CI must run this test, but " + message);
        }
        System.err.println("\n!!!!!!!! SKIPPED: " + message + " !!!!!!!!\n");
        Assumptions.abort("SKIPPED: " + message);
        return tool;
    }
}
