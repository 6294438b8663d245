package dev.claudesse.claude;

import java.io.IOException;

/** Where answers come from: Claude over HTTP, or the built-in demo. */
public interface Upstream {

    /**
     * Sends the request and returns once response headers are in. The caller owns the body: it
     * delivers it, cancels it to cancel the call, and closes it.
     */
    UpstreamResponse open(ClaudeRequest request) throws IOException, InterruptedException;

    boolean isDemo();
}
