package dev.claudesse.claude;

import java.time.Duration;

/** Status line and the headers we act on; body is Claude's event stream (or its error JSON). */
public record UpstreamResponse(int status, String requestId, Duration retryAfter, UpstreamBody body) {
}
