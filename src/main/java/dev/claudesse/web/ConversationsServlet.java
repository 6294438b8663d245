package dev.claudesse.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.claudesse.claude.Usage;
import dev.claudesse.store.ConversationArchive;
import dev.claudesse.store.ConversationDetail;
import dev.claudesse.store.ConversationPage;
import dev.claudesse.store.ConversationSummary;
import dev.claudesse.store.StoredMessage;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * api/conversations (GET: the owner's conversations, newest first, each with its total cost, paged with
 * limit and offset, filtered by q, a piece of the title) and api/conversations/{id} (GET: a page of its
 * messages with status, usage and cost, and its total cost; pages go back in time with limit and
 * before=nextCursor, so a long conversation is never read whole; PATCH {title}: renames it; DELETE).
 * Another owner's conversation answers 404 exactly like a missing one. Reading never creates an owner.
 */
public final class ConversationsServlet extends ApiServlet {

    static final int DEFAULT_LIMIT = 20;
    static final int MAX_TITLE = 200;
    static final int MAX_QUERY = 200;
    /** The title column's width in UTF-16 units (H2 counts those): 200 characters outside the BMP exceed it. */
    private static final int TITLE_COLUMN = 255;
    private static final int MAX_BODY = 16 * 1024;
    private static final String CURRENCY = "USD";

    @Override
    protected Set<String> methods() {
        return Set.of("GET", "PATCH", "DELETE");
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String id = conversationId(req);
        String owner = Owners.existing(req);
        if (id == null) {
            int limit = intParameter(req, "limit", DEFAULT_LIMIT, 1, ConversationArchive.MAX_PAGE);
            int offset = intParameter(req, "offset", 0, 0, Integer.MAX_VALUE);
            String q = req.getParameter("q");
            if (q != null && q.strip().codePointCount(0, q.strip().length()) > MAX_QUERY) {
                throw new ApiException(400, "invalid_request", "q must be at most " + MAX_QUERY + " characters.");
            }
            ConversationPage page = owner == null ? new ConversationPage(List.of(), null)
                    : archive().listConversations(owner, limit, offset, q);
            writeJson(resp, pageJson(page));
            return;
        }
        int limit = intParameter(req, "limit", ConversationArchive.MESSAGES_PAGE, 1,
                ConversationArchive.MAX_MESSAGES_PAGE);
        String before = req.getParameter("before");
        if (before != null && !before.matches("[0-9]{1,9}")) {
            throw new ApiException(400, "invalid_request", "before must be the nextCursor of an earlier page.");
        }
        ConversationDetail detail = owner == null ? null
                : archive().findConversation(owner, id, limit, before).orElse(null);
        if (detail == null) {
            throw notFound();
        }
        writeJson(resp, detailJson(detail));
    }

    @Override
    protected void doDelete(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String id = conversationId(req);
        if (id == null) {
            resp.setHeader("Allow", "GET");
            throw new ApiException(405, "method_not_allowed", "DELETE needs a conversation: api/conversations/{id}.");
        }
        String owner = Owners.existing(req);
        if (owner == null || !archive().deleteConversation(owner, id)) {
            throw notFound();
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("conversationId", id);
        body.put("deleted", true);
        writeJson(resp, body);
    }

    /** PATCH api/conversations/{id} with {"title": "..."}: the new title, trimmed, in the answer. */
    protected void doPatch(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String id = conversationId(req);
        if (id == null) {
            resp.setHeader("Allow", "GET");
            throw new ApiException(405, "method_not_allowed", "PATCH needs a conversation: api/conversations/{id}.");
        }
        String title = validTitle(readTitle(req));
        String owner = Owners.existing(req);
        if (owner == null || !archive().renameConversation(owner, id, title)) {
            throw notFound();
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", id);
        body.put("title", title);
        writeJson(resp, body);
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp)
            throws ServletException, IOException {
        if ("PATCH".equals(req.getMethod())) {
            // Servlet 6.0's HttpServlet knows no PATCH; ApiServlet still turns refusals into JSON errors.
            handle(req, resp, () -> doPatch(req, resp));
            return;
        }
        super.service(req, resp);
    }

    private static String readTitle(HttpServletRequest req) throws IOException {
        byte[] bytes = req.getInputStream().readNBytes(MAX_BODY + 1);
        if (bytes.length > MAX_BODY) {
            throw new ApiException(413, "body_too_large", "The request body is larger than " + MAX_BODY + " bytes.");
        }
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(bytes);
        } catch (IOException e) {
            throw new ApiException(400, "invalid_request", "The body must be JSON: {\"title\": \"...\"}.");
        }
        JsonNode title = root == null ? null : root.get("title");
        if (title == null || !title.isTextual()) {
            throw new ApiException(400, "invalid_request", "title must be a string.");
        }
        return title.textValue();
    }

    /** Trimmed; 1 to MAX_TITLE characters; no control characters (line breaks and tabs included). */
    static String validTitle(String raw) {
        String title = raw.strip();
        if (title.isEmpty()) {
            throw new ApiException(400, "invalid_request", "title must not be empty.");
        }
        if (title.codePointCount(0, title.length()) > MAX_TITLE || title.length() > TITLE_COLUMN) {
            throw new ApiException(400, "invalid_request", "title must be at most " + MAX_TITLE + " characters.");
        }
        if (title.codePoints().anyMatch(c -> Character.isISOControl(c) || c == 0x2028 || c == 0x2029)) {
            throw new ApiException(400, "invalid_request", "title must not contain control characters or line breaks.");
        }
        return title;
    }

    private ConversationArchive archive() {
        if (app.store instanceof ConversationArchive archive) {
            return archive;
        }
        throw new ApiException(503, "store_unavailable", "Conversations are not kept by this server.");
    }

    /** null for the collection, the id for api/conversations/{id}; any other path is a 404. */
    private static String conversationId(HttpServletRequest req) {
        String path = req.getPathInfo();
        if (path == null || path.equals("/")) {
            return null;
        }
        String id = path.substring(1);
        if (id.isEmpty() || id.length() > 64 || id.contains("/")) {
            throw notFound();
        }
        return id;
    }

    private static int intParameter(HttpServletRequest req, String name, int fallback, int min, int max) {
        String value = req.getParameter(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            int number = Integer.parseInt(value.strip());
            if (number >= min && number <= max) {
                return number;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ApiException(400, "invalid_request", name + " must be a whole number from " + min
                + (max == Integer.MAX_VALUE ? " up" : " to " + max) + ".");
    }

    private static ApiException notFound() {
        return new ApiException(404, "not_found", "There is no such conversation.");
    }

    private static Map<String, Object> pageJson(ConversationPage page) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("conversations", page.conversations().stream().map(ConversationsServlet::summaryJson).toList());
        body.put("nextOffset", page.nextOffset());
        return body;
    }

    private static Map<String, Object> summaryJson(ConversationSummary summary) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", summary.id());
        body.put("title", summary.title());
        body.put("createdAt", text(summary.createdAt()));
        body.put("updatedAt", text(summary.updatedAt()));
        body.put("totalCost", plain(summary.totalCost()));
        body.put("currency", CURRENCY);
        body.put("totalCostEstimated", summary.totalCostEstimated());
        return body;
    }

    private static Map<String, Object> detailJson(ConversationDetail detail) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", detail.id());
        body.put("title", detail.title());
        body.put("createdAt", text(detail.createdAt()));
        body.put("updatedAt", text(detail.updatedAt()));
        body.put("totalCost", plain(detail.totalCost()));
        body.put("currency", CURRENCY);
        body.put("totalCostEstimated", detail.totalCostEstimated());
        body.put("messageCount", detail.messageCount());
        body.put("messages", detail.messages().stream().map(ConversationsServlet::messageJson).toList());
        body.put("nextCursor", detail.nextCursor());
        return body;
    }

    private static Map<String, Object> messageJson(StoredMessage message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", message.id());
        body.put("role", message.role());
        body.put("text", message.text());
        if (message.thinking() != null) {
            body.put("thinking", message.thinking());
        }
        body.put("model", message.model());
        body.put("status", message.status().wireName());
        body.put("createdAt", text(message.createdAt()));
        if ("assistant".equals(message.role())) {
            body.put("stopReason", message.stopReason());
            body.put("stopDetails", message.stopDetails());
            body.put("usage", usageJson(message.usage()));
            body.put("cost", plain(message.cost()));
            body.put("costEstimated", message.costEstimated());
            body.put("firstTokenAt", text(message.firstTokenAt()));
            body.put("finishedAt", text(message.finishedAt()));
            if (message.replaces() != null) {
                body.put("replaces", message.replaces());
            }
            if (message.errorType() != null) {
                body.put("error", Map.of("type", message.errorType(),
                        "message", message.errorMessage() == null ? "" : message.errorMessage()));
            }
        }
        return body;
    }

    private static Map<String, Object> usageJson(Usage usage) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("inputTokens", usage.inputTokens());
        body.put("outputTokens", usage.outputTokens());
        body.put("cacheCreationInputTokens", usage.cacheCreationInputTokens());
        body.put("cacheReadInputTokens", usage.cacheReadInputTokens());
        return body;
    }

    /** 0.0100000000 as 0.01: the column's fixed scale says nothing about precision. */
    private static BigDecimal plain(BigDecimal amount) {
        return amount == null ? null : amount.stripTrailingZeros();
    }

    private static String text(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
