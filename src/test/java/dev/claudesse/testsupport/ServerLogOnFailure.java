package dev.claudesse.testsupport;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

import java.util.function.Supplier;

/** Prints a server's log when a test fails, so a CI failure shows what the container said. */
public final class ServerLogOnFailure implements TestWatcher {

    private final Supplier<ServerProcess> server;

    public ServerLogOnFailure(Supplier<ServerProcess> server) {
        this.server = server;
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        ServerProcess process = server.get();
        if (process != null) {
            System.out.println("===== log of " + process + " after " + context.getDisplayName() + " failed =====");
            System.out.println(process.logText());
            System.out.println("===== end of log =====");
        }
    }
}
