package dev.claudesse.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.claudesse.claude.Attachment;
import dev.claudesse.store.AttachmentData;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The file rules every dialect shares: types, count, size, base64, and api/chat's {name, mediaType, data}. */
class AttachmentRulesTest {

    final AttachmentRules rules = new AttachmentRules(2, 4);

    static JsonNode json(String text) throws Exception {
        return Json.MAPPER.readTree(text);
    }

    static void assertRefused(int status, String type, String says, Runnable action) {
        ApiException e = assertThrows(ApiException.class, action::run);
        assertEquals(status, e.status());
        assertEquals(type, e.type());
        assertTrue(e.getMessage().contains(says), e.getMessage());
    }

    @Test
    void apiChatsFilesAreReadInOrderWithTheirNamesTrimmed() throws Exception {
        List<AttachmentData> files = rules.read(json("[{\"name\":\" a.png \",\"mediaType\":\"image/png\",\"data\":\"AQID\"},"
                + "{\"name\":\"b.pdf\",\"mediaType\":\"application/pdf\",\"data\":\"AQ\\nID\"}]"));
        assertEquals(List.of(new AttachmentData("a.png", "image/png", new byte[] {1, 2, 3}),
                new AttachmentData("b.pdf", "application/pdf", new byte[] {1, 2, 3})), files);
        assertEquals(List.of(), rules.read(null));
        assertEquals(List.of(), rules.read(json("null")));
    }

    @Test
    void eachBadFileIsAClearRefusalNamingIt() throws Exception {
        String ok = "{\"name\":\"a.png\",\"mediaType\":\"image/png\",\"data\":\"AQID\"}";
        assertRefused(400, "too_many_attachments", "at most 2 files; this one has 3",
                () -> rules.read(parse("[" + ok + "," + ok + "," + ok + "]")));
        assertRefused(400, "unsupported_media_type", "\"image/bmp\"",
                () -> rules.read(parse("[{\"name\":\"a\",\"mediaType\":\"image/bmp\",\"data\":\"AQID\"}]")));
        assertRefused(413, "attachment_too_large", "attachments[0] has 6 bytes; at most 4",
                () -> rules.read(parse("[{\"name\":\"a\",\"mediaType\":\"image/gif\",\"data\":\"AQIDBAUG\"}]")));
        assertRefused(400, "invalid_request", "attachments[1]'s data is not valid base64",
                () -> rules.read(parse("[" + ok + ",{\"name\":\"a\",\"mediaType\":\"image/webp\",\"data\":\"%%\"}]")));
        assertRefused(400, "invalid_request", "attachments[0] is empty",
                () -> rules.read(parse("[{\"name\":\"a\",\"mediaType\":\"image/jpeg\",\"data\":\"\"}]")));
        assertRefused(400, "invalid_request", "attachments[0].name must be 1 to 200 characters",
                () -> rules.read(parse("[{\"name\":\"" + "n".repeat(201) + "\",\"mediaType\":\"image/png\",\"data\":\"AQ==\"}]")));
        assertRefused(400, "invalid_request", "control characters",
                () -> rules.read(parse("[{\"name\":\"a\\nb\",\"mediaType\":\"image/png\",\"data\":\"AQ==\"}]")));
        assertRefused(400, "invalid_request", "attachments[0].data must be a string",
                () -> rules.read(parse("[{\"name\":\"a\",\"mediaType\":\"image/png\",\"data\":5}]")));
        assertRefused(400, "invalid_request", "must be a list", () -> rules.read(parse("{}")));
        assertRefused(400, "invalid_request", "must be an object", () -> rules.read(parse("[\"a.png\"]")));
    }

    @Test
    void dataUrlsOfTheOtherDialectsFollowTheSameSizeAndBase64Rules() {
        Attachment file = rules.dataUrl("data:image/png;base64,AQ ID");
        assertEquals(new Attachment("image/png", "AQID", null), file);
        assertNull(rules.dataUrl("https://example.com/a.png"));
        assertRefused(413, "attachment_too_large", "A file has 6 bytes", () -> rules.dataUrl("data:image/png;base64,AQIDBAUG"));
        assertRefused(400, "invalid_request", "not valid base64", () -> rules.dataUrl("data:image/png;base64,A"));
        assertRefused(400, "unsupported_media_type", "PNG, JPEG, GIF or WebP images.",
                () -> AttachmentRules.checkType("application/pdf", AttachmentRules.IMAGE_TYPES));
        assertArrayEquals(new byte[] {1, 2, 3}, rules.decode("AQID", "x"));
    }

    static JsonNode parse(String text) {
        try {
            return json(text);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
