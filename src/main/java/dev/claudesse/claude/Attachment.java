package dev.claudesse.claude;

import java.util.Base64;

/**
 * A file sent with a question: an image (PNG, JPEG, GIF, WebP) or a PDF, either as base64 data or as an
 * https URL Claude fetches itself. Exactly one of data and url is set.
 */
public record Attachment(String mediaType, String data, String url) {

    /** A file the server holds, sent as base64 data. */
    public static Attachment of(String mediaType, byte[] bytes) {
        return new Attachment(mediaType, Base64.getEncoder().encodeToString(bytes), null);
    }

    public boolean isImage() {
        return mediaType.startsWith("image/");
    }
}
