package dev.claudesse.claude;

import java.io.IOException;

/** A response body on its way in, handed to a sink; any thread may cancel it. */
public interface UpstreamBody {

    /**
     * Hands the body to the sink until it ends, the sink wants no more, or cancel() is called, and
     * returns then; throws when the connection broke. Once it returns, the sink is not called again.
     */
    void deliver(BodySink sink) throws IOException;

    /** Stops the transfer and drops the connection. Idempotent; safe from any thread at any time. */
    void cancel();

    /** Releases the body after deliver(): drops the connection unless the body has ended. */
    void close();
}
