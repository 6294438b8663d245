package dev.claudesse.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.claudesse.claude.Attachment;
import dev.claudesse.config.Settings;
import dev.claudesse.store.AttachmentData;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.claudesse.web.ChatRequestReader.invalid;

/**
 * The one set of rules for files that clients send with a question, whatever the dialect: which media
 * types Claude takes as image or document blocks, how many files a request may carry
 * (CLAUDE_SSE_MAX_ATTACHMENTS) and how large each may be (CLAUDE_SSE_MAX_ATTACHMENT_BYTES, decoded). The
 * body limit bounds their total. Every refusal is a 4xx ApiException with a message that says what to change.
 */
final class AttachmentRules {

    static final Set<String> MEDIA_TYPES = Set.of("image/png", "image/jpeg", "image/gif", "image/webp",
            "application/pdf");
    static final Set<String> IMAGE_TYPES = Set.of("image/png", "image/jpeg", "image/gif", "image/webp");
    /** A file name is shown and offered as a download name, so it stays one short line. */
    static final int MAX_NAME = 200;
    /** The name column's width in UTF-16 units. */
    private static final int NAME_COLUMN = 255;

    private static final Pattern DATA_URL = Pattern.compile("data:([^;,]+);base64,([A-Za-z0-9+/=\\s]*)");
    private static final Pattern BASE64 = Pattern.compile("[A-Za-z0-9+/=\\s]*");

    private final int maxCount;
    private final long maxBytes;

    AttachmentRules(int maxCount, long maxBytes) {
        this.maxCount = maxCount;
        this.maxBytes = maxBytes;
    }

    /** CLAUDE_SSE_MAX_ATTACHMENTS and CLAUDE_SSE_MAX_ATTACHMENT_BYTES. */
    static AttachmentRules of(Settings settings) {
        return new AttachmentRules(settings.maxAttachments(), settings.maxAttachmentBytes());
    }

    int maxCount() {
        return maxCount;
    }

    long maxBytes() {
        return maxBytes;
    }

    /** 400 too_many_attachments when a request carries more than maxCount files; noun says of what ("files", "images"). */
    void checkCount(long count, String noun) {
        if (count > maxCount) {
            throw invalid("too_many_attachments", "A request may carry at most " + maxCount + " " + noun
                    + "; this one has " + count + ".");
        }
    }

    /** 400 unsupported_media_type unless Claude takes the type as an image or a document block. */
    static void checkType(String mediaType, Set<String> allowed) {
        if (!allowed.contains(mediaType)) {
            throw invalid("unsupported_media_type", "Files of type \"" + mediaType + "\" are not supported; send "
                    + (allowed.contains("application/pdf") ? "PNG, JPEG, GIF, WebP images or PDF documents."
                    : "PNG, JPEG, GIF or WebP images."));
        }
    }

    /**
     * The file of a base64 data: URL, with the media type the URL names (the caller checks it); null when
     * url is not such a URL. Bad base64 is a 400, a file over maxBytes a 413.
     */
    Attachment dataUrl(String url) {
        Matcher data = DATA_URL.matcher(url);
        if (!data.matches()) {
            return null;
        }
        String base64 = data.group(2).replaceAll("\\s", "");
        decode(base64, "A file");
        return new Attachment(data.group(1), base64, null);
    }

    /** The bytes of base64 text (white space allowed); 400 when it is not base64, 413 over maxBytes. */
    byte[] decode(String base64, String what) {
        byte[] bytes;
        try {
            if (!BASE64.matcher(base64).matches()) {
                throw new IllegalArgumentException("not base64");
            }
            bytes = Base64.getMimeDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw invalid("invalid_request", what + "'s data is not valid base64.");
        }
        if (bytes.length > maxBytes) {
            throw new ApiException(413, "attachment_too_large", what + " has " + bytes.length + " bytes; at most "
                    + maxBytes + " are allowed.");
        }
        return bytes;
    }

    /**
     * api/chat's "attachments": absent, null or a list of {name, mediaType, data} with data in base64.
     * Each is checked in order (the first bad one is named by its index), then their number.
     */
    List<AttachmentData> read(JsonNode value) {
        if (value == null || value.isNull()) {
            return List.of();
        }
        if (!value.isArray()) {
            throw invalid("invalid_request", "\"attachments\" must be a list of {name, mediaType, data}.");
        }
        checkCount(value.size(), "files");
        List<AttachmentData> files = new ArrayList<>(value.size());
        for (int i = 0; i < value.size(); i++) {
            files.add(file(value.get(i), "attachments[" + i + "]"));
        }
        return List.copyOf(files);
    }

    private AttachmentData file(JsonNode item, String what) {
        if (!item.isObject()) {
            throw invalid("invalid_request", what + " must be an object {name, mediaType, data}.");
        }
        String name = field(item, "name", what).strip();
        if (name.isEmpty() || name.codePointCount(0, name.length()) > MAX_NAME || name.length() > NAME_COLUMN) {
            throw invalid("invalid_request", what + ".name must be 1 to " + MAX_NAME + " characters.");
        }
        if (name.codePoints().anyMatch(c -> Character.isISOControl(c) || c == 0x2028 || c == 0x2029)) {
            throw invalid("invalid_request", what + ".name must not contain control characters or line breaks.");
        }
        String mediaType = field(item, "mediaType", what);
        checkType(mediaType, MEDIA_TYPES);
        byte[] bytes = decode(field(item, "data", what), what);
        if (bytes.length == 0) {
            throw invalid("invalid_request", what + " is empty.");
        }
        return new AttachmentData(name, mediaType, bytes);
    }

    private static String field(JsonNode item, String name, String what) {
        JsonNode value = item.get(name);
        if (value == null || !value.isTextual()) {
            throw invalid("invalid_request", what + "." + name + " must be a string.");
        }
        return value.asText();
    }
}
