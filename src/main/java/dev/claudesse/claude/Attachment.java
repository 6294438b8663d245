package dev.claudesse.claude;

/**
 * A file sent with a question: an image (PNG, JPEG, GIF, WebP) or a PDF, either as base64 data or as an
 * https URL Claude fetches itself. Exactly one of data and url is set.
 */
public record Attachment(String mediaType, String data, String url) {

    public boolean isImage() {
        return mediaType.startsWith("image/");
    }
}
