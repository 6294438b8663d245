package dev.claudesse.fake;

/**
 * A {@code POST /v1/messages} the fake refused the way today's Claude would, before taking a script.
 *
 * @param status the HTTP status answered (400, or 404 for a retired model)
 * @param type   the error type answered, e.g. {@code invalid_request_error}
 * @param reason the error message answered
 */
public record RefusedRequest(RecordedRequest request, int status, String type, String reason) {
}
