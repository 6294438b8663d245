package dev.claudesse.claude;

import java.io.IOException;
import java.util.concurrent.CompletionStage;

/** Where answers come from: Claude over HTTP, or the built-in demo. */
public interface Upstream {

    /**
     * Sends the request and returns once response headers are in; when stopped completes first, the
     * call is cancelled and this throws. The caller owns the body: it delivers it, cancels it to cancel
     * the call, and closes it.
     */
    UpstreamResponse open(ClaudeRequest request, CompletionStage<Void> stopped)
            throws IOException, InterruptedException;

    boolean isDemo();
}
