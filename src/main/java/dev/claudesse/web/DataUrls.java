package dev.claudesse.web;

import dev.claudesse.claude.Attachment;

import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.claudesse.web.ChatRequestReader.invalid;

/** Files that a client sends inline as base64 `data:` URLs, checked before Claude is called. */
final class DataUrls {

    private static final Pattern DATA_URL = Pattern.compile("data:([^;,]+);base64,([A-Za-z0-9+/=\\s]*)");

    private DataUrls() {
    }

    /**
     * The file of a base64 data: URL, with the media type the URL names (the caller checks it); null when
     * url is not such a URL. Bad base64 is a 400, a file over maxBytes a 413.
     */
    static Attachment decode(String url, long maxBytes) {
        Matcher data = DATA_URL.matcher(url);
        if (!data.matches()) {
            return null;
        }
        String base64 = data.group(2).replaceAll("\\s", "");
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw invalid("invalid_request", "A file's data is not valid base64.");
        }
        if (bytes.length > maxBytes) {
            throw new ApiException(413, "attachment_too_large", "A file has " + bytes.length + " bytes; at most "
                    + maxBytes + " are allowed.");
        }
        return new Attachment(data.group(1), base64, null);
    }
}
