package dev.claudesse.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.claudesse.claude.Usage;
import dev.claudesse.store.AttachmentData;
import dev.claudesse.store.AttachmentInfo;
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
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * api/conversations (GET: the owner's conversations, newest first, each with its total cost, paged with
 * limit and offset, filtered by q, a piece of the title) and api/conversations/{id} (GET: a page of its
 * messages with status, usage and cost, and its total cost; pages go back in time with limit and
 * before=nextCursor, so a long conversation is never read whole; PATCH {title}: renames it; DELETE), and
 * api/conversations/{id}/attachments/{messageId}/{n} (GET: the bytes of a question's file).
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
    /** /{conversationId}/attachments/{messageId}/{n}: ids as the store makes them. */
    private static final Pattern FILE_PATH = Pattern.compile("/([^/]{1,64})/attachments/([^/]{1,64})/([0-9]{1,4})");

    @Override
    protected Set<String> methods() {
        return Set.of("GET", "PATCH", "DELETE");
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Matcher file = FILE_PATH.matcher(req.getPathInfo() == null ? "" : req.getPathInfo());
        if (file.matches()) {
            sendFile(req, resp, file.group(1), file.group(2), Integer.parseInt(file.group(3)));
            return;
        }
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

    /**
     * The bytes of a saved file, for the page's thumbnails and links. They came from a client, so they are
     * never shown as a page of ours: the media type is one of the five allowed and never sniffed, a sandbox
     * CSP keeps any script in them from running on our origin, and a PDF is a download, not shown inline
     * (a browser's PDF viewer is a document of its own with scripting).
     */
    private void sendFile(HttpServletRequest req, HttpServletResponse resp, String conversationId, String messageId,
                          int position) throws IOException {
        String owner = Owners.existing(req);
        AttachmentData data = owner == null ? null
                : archive().findAttachment(owner, conversationId, messageId, position).orElse(null);
        if (data == null) {
            throw new ApiException(404, "not_found", "There is no such file.");
        }
        boolean image = data.mediaType().startsWith("image/");
        resp.setContentType(data.mediaType());
        resp.setContentLength(data.bytes().length);
        resp.setHeader("X-Content-Type-Options", "nosniff");
        resp.setHeader("Content-Security-Policy", "default-src 'none'; sandbox");
        resp.setHeader("Cache-Control", "private, max-age=3600");
        resp.setHeader("Content-Disposition", (image ? "inline" : "attachment") + "; filename=\""
                + asciiName(data.name()) + "\"; filename*=UTF-8''" + encoded(data.name()));
        resp.getOutputStream().write(data.bytes());
    }

    /** The name for browsers that read only filename=: ASCII, without quotes or backslashes. */
    private static String asciiName(String name) {
        StringBuilder ascii = new StringBuilder();
        name.codePoints().forEach(c -> ascii.append(c >= 0x20 && c < 0x7f && c != '"' && c != '\\' ? (char) c : '_'));
        return ascii.toString();
    }

    /** RFC 5987's percent-encoding of the UTF-8 name. */
    private static String encoded(String name) {
        return URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
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
        body.put("messages", detail.messages().stream().map(m -> messageJson(detail.id(), m)).toList());
        body.put("nextCursor", detail.nextCursor());
        return body;
    }

    private static Map<String, Object> fileJson(String conversationId, StoredMessage message, AttachmentInfo file) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", file.name());
        body.put("mediaType", file.mediaType());
        body.put("size", file.size());
        // relative, like every URL of the API: it resolves against the page wherever the WAR is deployed
        body.put("url", "api/conversations/" + conversationId + "/attachments/" + message.id() + "/" + file.position());
        return body;
    }

    private static Map<String, Object> messageJson(String conversationId, StoredMessage message) {
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
        if ("user".equals(message.role())) {
            body.put("attachments", message.attachments().stream().map(file -> fileJson(conversationId, message,
                    file)).toList());
        }
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
