package dev.claudesse.fake;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Claude's Models API on the fake: {@code GET /v1/models?limit=&after_id=&before_id=} pages through the
 * list in its own order, and {@code GET /v1/models/<id>} gives one entry. Answers are whole scripts so
 * they travel the same way as every other answer of the fake.
 */
final class ModelsPage {

    static final String PATH = "/v1/models";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int DEFAULT_LIMIT = 20;
    private static final int MAX_LIMIT = 1000;

    private ModelsPage() {
    }

    /** Whether the request target (path and query) is the Models API. */
    static boolean handles(String target) {
        String path = pathOf(target);
        return path.equals(PATH) || path.startsWith(PATH + "/");
    }

    /** The answer to a GET of the Models API; the API key was checked before. */
    static Script answer(String method, String target, List<FakeModel> models) {
        if (!"GET".equals(method)) {
            return Script.error(405, "invalid_request_error", "Method " + method + " is not allowed on " + PATH);
        }
        String path = pathOf(target);
        if (path.length() > PATH.length()) {
            String id = path.substring(PATH.length() + 1);
            return models.stream().filter(m -> m.id().equals(id)).findFirst()
                    .map(m -> Script.json(200, info(m).toString()))
                    .orElseGet(() -> Script.error(404, "not_found_error", "model: " + id));
        }
        Map<String, String> query = query(target);
        int limit;
        try {
            limit = query.containsKey("limit") ? Integer.parseInt(query.get("limit")) : DEFAULT_LIMIT;
        } catch (NumberFormatException e) {
            return Script.error(400, "invalid_request_error", "limit: Input should be a valid integer");
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            return Script.error(400, "invalid_request_error",
                    "limit: Input should be greater than or equal to 1 and less than or equal to " + MAX_LIMIT);
        }
        return Script.json(200, page(models, limit, query.get("after_id"), query.get("before_id")));
    }

    /**
     * One page: after_id pages forward (the {@code limit} entries after it), before_id backward (the
     * {@code limit} entries just before it). An id not in the list gives an empty page.
     */
    private static String page(List<FakeModel> models, int limit, String afterId, String beforeId) {
        int from = 0;
        int to = models.size();
        if (afterId != null) {
            int after = indexOf(models, afterId);
            from = after < 0 ? models.size() : after + 1;
            to = Math.min(models.size(), from + limit);
        } else if (beforeId != null) {
            to = Math.max(0, indexOf(models, beforeId));
            from = Math.max(0, to - limit);
        } else {
            to = Math.min(models.size(), limit);
        }
        List<FakeModel> data = models.subList(from, Math.max(from, to));
        boolean hasMore = beforeId != null && afterId == null ? from > 0 : to < models.size();
        ObjectNode body = JSON.createObjectNode();
        ArrayNode array = body.putArray("data");
        data.forEach(m -> array.add(info(m)));
        body.put("has_more", hasMore);
        body.put("first_id", data.isEmpty() ? null : data.getFirst().id());
        body.put("last_id", data.isEmpty() ? null : data.getLast().id());
        return body.toString();
    }

    private static ObjectNode info(FakeModel m) {
        ObjectNode node = JSON.createObjectNode();
        node.put("type", "model");
        node.put("id", m.id());
        node.put("display_name", m.displayName());
        node.put("created_at", time(m.createdAt()));
        node.put("max_input_tokens", m.maxInputTokens());
        node.put("max_tokens", m.maxTokens());
        node.put("lifecycle", m.lifecycle());
        node.put("deprecated_at", time(m.deprecatedAt()));
        node.put("retires_at", time(m.retiresAt()));
        return node;
    }

    /** RFC 3339 in UTC, e.g. 2026-11-30T00:00:00Z (Instant's own text is that form). */
    private static String time(Instant instant) {
        return instant == null ? null : instant.toString();
    }

    private static int indexOf(List<FakeModel> models, String id) {
        for (int i = 0; i < models.size(); i++) {
            if (models.get(i).id().equals(id)) {
                return i;
            }
        }
        return -1;
    }

    private static String pathOf(String target) {
        int q = target.indexOf('?');
        return q < 0 ? target : target.substring(0, q);
    }

    private static Map<String, String> query(String target) {
        Map<String, String> query = new LinkedHashMap<>();
        int q = target.indexOf('?');
        if (q < 0) {
            return query;
        }
        for (String pair : target.substring(q + 1).split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            query.putIfAbsent(name, value);
        }
        return query;
    }
}
