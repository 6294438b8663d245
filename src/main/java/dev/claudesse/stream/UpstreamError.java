package dev.claudesse.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.claudesse.claude.RetryPolicy;
import dev.claudesse.claude.UpstreamResponse;

import java.io.IOException;
import java.io.ByteArrayOutputStream;

/** An error answer from Claude, read from its JSON body, and the terminal event it turns into. */
record UpstreamError(int status, String claudeType, String claudeMessage) {

    private static final int MAX_ERROR_BODY = 64 * 1024;

    static UpstreamError read(ObjectMapper json, UpstreamResponse response) {
        String type = null;
        String message = null;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            response.body().deliver((chunk, offset, length) -> {
                bytes.write(chunk, offset, Math.min(length, MAX_ERROR_BODY - bytes.size()));
                return bytes.size() < MAX_ERROR_BODY;
            });
            JsonNode error = json.readTree(bytes.toByteArray()).path("error");
            type = error.path("type").asText(null);
            message = error.path("message").asText(null);
        } catch (IOException | RuntimeException e) {
            // not JSON: the status alone has to do
        } finally {
            response.body().close();
        }
        return new UpstreamError(response.status(), type, message);
    }

    String reason() {
        return claudeType != null ? claudeType : "http_" + status;
    }

    Outcome.Failed toOutcome() {
        String type = switch (status) {
            case 400 -> "invalid_request";
            case 401 -> "authentication_failed";
            case 403 -> "permission_denied";
            case 404 -> "not_found";
            case 408 -> "upstream_timeout";
            case 413 -> "request_too_large";
            case 429 -> "rate_limited";
            case 529 -> "overloaded";
            default -> status >= 500 ? "upstream_error" : "upstream_rejected";
        };
        String detail = claudeMessage == null || claudeMessage.isBlank() ? "" : ": " + claudeMessage;
        return new Outcome.Failed(type, "Claude answered HTTP " + status + detail,
                RetryPolicy.isRetryable(status));
    }

    /** An `event: error` inside an accepted stream. */
    static Outcome.Failed midStream(String claudeType, String claudeMessage) {
        String type = switch (claudeType) {
            case "overloaded_error" -> "overloaded";
            case "rate_limit_error" -> "rate_limited";
            case "api_error" -> "upstream_error";
            default -> claudeType.endsWith("_error") ? claudeType.substring(0, claudeType.length() - 6) : claudeType;
        };
        boolean retryable = switch (type) {
            case "overloaded", "rate_limited", "upstream_error" -> true;
            default -> false;
        };
        String message = claudeMessage == null || claudeMessage.isBlank() ? "Claude reported " + claudeType : claudeMessage;
        return new Outcome.Failed(type, message, retryable);
    }
}
