package dev.claudesse.metrics;

import dev.claudesse.models.ModelSpec;
import dev.claudesse.models.ModelTable;

import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns what the engine reports into label values from a bounded set, because every distinct value is a
 * series Prometheus keeps: a model is named by its model table id (a dated id or an alias becomes the
 * table's id) or by a name the operator configured, anything else is "other"; Claude's error types and
 * the engine's retry reasons are kept when known; a refusal becomes one of a few reasons. Owners and
 * messages are never labels.
 */
final class Labels {

    static final String OTHER = "other";

    /** Claude's documented error types, and the connection failures the engine names itself. */
    private static final Set<String> KNOWN_ERRORS = Set.of(
            "invalid_request_error", "authentication_error", "permission_error", "not_found_error",
            "request_too_large", "rate_limit_error", "api_error", "overloaded_error", "billing_error",
            "timeout_error", "connection_failed", "connection_dropped");
    /** What the engine says when Claude's error body named no type: "http_" and the status. */
    private static final Pattern HTTP_STATUS = Pattern.compile("http_[1-5][0-9][0-9]");

    /** Refusal reasons, the only values of the refusals' reason label. */
    static final String LIMIT = "limit";
    static final String BUDGET = "budget";
    static final String BAD_INPUT = "bad_input";
    static final String AUTH = "auth";
    static final String UNAVAILABLE = "unavailable";
    static final Set<String> REFUSAL_REASONS = Set.of(LIMIT, BUDGET, BAD_INPUT, AUTH, UNAVAILABLE, OTHER);

    private final ModelTable table;
    private final Set<String> configuredModels;

    /** configuredModels: the names the operator allowed or made the default, which the table may not know. */
    Labels(ModelTable table, Set<String> configuredModels) {
        this.table = table;
        this.configuredModels = Set.copyOf(configuredModels);
    }

    static Labels of(ModelTable table, Set<String> allowedModels, String defaultModel) {
        Set<String> configured = new HashSet<>(allowedModels);
        if (defaultModel != null) {
            configured.add(defaultModel);
        }
        return new Labels(table, configured);
    }

    String model(String model) {
        if (model == null) {
            return OTHER;
        }
        ModelSpec spec = table.find(model);
        if (spec != null) {
            return spec.id();
        }
        return configuredModels.contains(model) ? model : OTHER;
    }

    /** An upstream error type or a retry reason. */
    static String upstreamReason(String reason) {
        if (reason == null) {
            return OTHER;
        }
        return KNOWN_ERRORS.contains(reason) || HTTP_STATUS.matcher(reason).matches() ? reason : OTHER;
    }

    /** Why an endpoint refused a request, from its status and the product's error type. */
    static String refusal(int status, String type) {
        if (type != null && type.contains("budget")) {
            return BUDGET; // a spending cap's refusal (its type names the budget), told apart from the concurrency limits
        }
        if (status == 429) {
            return LIMIT;
        }
        if (status == 401 || status == 403) {
            return AUTH;
        }
        if (status >= 400 && status < 500) {
            return BAD_INPUT;
        }
        return status >= 500 ? UNAVAILABLE : OTHER;
    }
}
