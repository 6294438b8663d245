package dev.claudesse.testsupport;

import java.net.URI;

/** A real servlet container running the built WAR in a child process. */
public interface AppServer extends AutoCloseable {

    /** Where the app answers, ending in "/". */
    URI baseUri();

    ServerProcess process();

    @Override
    void close() throws InterruptedException;
}
