package dev.claudesse.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.claudesse.fake.Script;
import dev.claudesse.testsupport.Browser;
import dev.claudesse.testsupport.EventStreamReader;
import dev.claudesse.testsupport.EventStreamReader.Event;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static dev.claudesse.testsupport.Events.json;
import static dev.claudesse.testsupport.Events.last;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * api/chat's "attachments": the files reach Claude as image and document blocks before the question's
 * text, are saved with the question (listed by GET api/conversations/{id}, served to their owner only),
 * are sent again on later turns and by a regeneration, count towards the conversation's bytes, go with a
 * deleted conversation, and every bad file is a clear 4xx before anything is saved or sent.
 */
class AttachmentsIT extends TwoOwnersApp {

    /** A 1×1 red PNG. */
    static final String PIXEL = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";
    static final String PDF = Base64.getEncoder().encodeToString("%PDF-1.4\n%%EOF\n".getBytes());

    @Override
    Map<String, String> settings() {
        return Map.of("CLAUDE_SSE_MAX_ATTACHMENTS", "3", "CLAUDE_SSE_MAX_ATTACHMENT_BYTES", "2000",
                "CLAUDE_SSE_MAX_CONVERSATION_BYTES", "20000");
    }

    static String file(String name, String mediaType, String data) {
        return "{\"name\":\"" + name + "\",\"mediaType\":\"" + mediaType + "\",\"data\":\"" + data + "\"}";
    }

    static String ask(String message, String conversationId, String... files) {
        return "{\"message\":\"" + message + "\"" + (conversationId == null ? "" : ",\"conversationId\":\""
                + conversationId + "\"") + ",\"attachments\":[" + String.join(",", files) + "]}";
    }

    String chat(String body) throws Exception {
        fake.enqueue(Script.transcript("plain_text"));
        try (EventStreamReader stream = alice.chat(body)) {
            assertEquals(200, stream.status());
            List<Event> events = stream.readToEnd(T);
            assertEquals("done", events.getLast().type(), events.toString());
            return json(events.getFirst()).path("conversationId").asText();
        }
    }

    static HttpResponse<byte[]> download(Browser browser, String url) throws Exception {
        return browser.http().send(HttpRequest.newBuilder(browser.uri(url)).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    static void assertRefused(HttpResponse<String> response, int status, String type, String says) throws Exception {
        assertEquals(status, response.statusCode(), response.body());
        JsonNode error = json(response.body()).path("error");
        assertEquals(type, error.path("type").asText(), response.body());
        assertTrue(error.path("message").asText().contains(says), response.body());
    }

    HttpResponse<String> post(String body) throws Exception {
        return alice.send("POST", "api/chat", "application/json", body);
    }

    @Test
    void filesReachClaudeAreSavedAndServedToTheirOwnerOnlyAndGoWithTheConversation() throws Exception {
        String conversationId = chat(ask("What are these?", null, file("red pixel.png", "image/png", PIXEL),
                file("paper \u00e9t\u00e9.pdf", "application/pdf", PDF)));
        JsonNode sent = json(last(fake.requests()).body()).path("messages").get(0).path("content");
        assertEquals(json("[{\"type\":\"image\",\"source\":{\"type\":\"base64\",\"media_type\":\"image/png\",\"data\":\""
                + PIXEL + "\"}},{\"type\":\"document\",\"source\":{\"type\":\"base64\",\"media_type\":"
                + "\"application/pdf\",\"data\":\"" + PDF + "\"}},{\"type\":\"text\",\"text\":\"What are these?\"}]"),
                sent, "files first, then the text about them");

        JsonNode files = savedConversation(alice, conversationId).path("messages").get(0).path("attachments");
        assertEquals(2, files.size(), files.toString());
        assertEquals("red pixel.png", files.get(0).path("name").asText());
        assertEquals("image/png", files.get(0).path("mediaType").asText());
        assertEquals(Base64.getDecoder().decode(PIXEL).length, files.get(0).path("size").asLong());
        assertEquals("paper \u00e9t\u00e9.pdf", files.get(1).path("name").asText());

        HttpResponse<byte[]> image = download(alice, files.get(0).path("url").asText());
        assertEquals(200, image.statusCode());
        assertArrayEquals(Base64.getDecoder().decode(PIXEL), image.body());
        assertEquals("image/png", image.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("nosniff", image.headers().firstValue("X-Content-Type-Options").orElseThrow());
        assertTrue(image.headers().firstValue("Content-Security-Policy").orElseThrow().contains("sandbox"));
        assertTrue(image.headers().firstValue("Content-Disposition").orElseThrow().startsWith("inline;"));
        HttpResponse<byte[]> pdf = download(alice, files.get(1).path("url").asText());
        assertEquals("application/pdf", pdf.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("attachment; filename=\"paper _t_.pdf\"; filename*=UTF-8''paper%20%C3%A9t%C3%A9.pdf",
                pdf.headers().firstValue("Content-Disposition").orElseThrow(), "a PDF is a download, never shown inline");

        assertEquals(404, download(bob, files.get(0).path("url").asText()).statusCode(), "another owner's file");
        assertEquals(404, download(new Browser(app.baseUri()), files.get(0).path("url").asText()).statusCode());
        assertEquals(404, download(alice, files.get(0).path("url").asText().replaceAll("/0$", "/7")).statusCode());

        assertEquals(200, alice.send("DELETE", "api/conversations/" + conversationId, null, null).statusCode());
        assertEquals(404, download(alice, files.get(0).path("url").asText()).statusCode(), "deleted with it");
    }

    @Test
    void laterTurnsAndARegenerationSendTheFilesAgain() throws Exception {
        String conversationId = chat(ask("Describe it.", null, file("a.png", "image/png", PIXEL)));
        savedConversation(alice, conversationId);
        chat(ask("And now?", conversationId));
        JsonNode messages = json(last(fake.requests()).body()).path("messages");
        assertEquals(3, messages.size(), messages.toString());
        assertEquals("image", messages.get(0).path("content").get(0).path("type").asText(),
                "Claude sees the earlier image again: " + messages);

        savedConversation(alice, conversationId);
        chat("{\"conversationId\":\"" + conversationId + "\",\"regenerate\":true}");
        JsonNode question = json(last(fake.requests()).body()).path("messages").get(2);
        assertEquals("And now?", question.path("content").asText(), "the latest question had no file");

        JsonNode conversation = savedConversation(alice, conversationId);
        assertEquals("a.png", conversation.path("messages").get(0).path("attachments").get(0).path("name").asText());
        assertEquals(0, conversation.path("messages").get(2).path("attachments").size());
    }

    @Test
    void aRegeneratedQuestionKeepsItsFiles() throws Exception {
        String conversationId = chat(ask("Describe it.", null, file("a.png", "image/png", PIXEL)));
        savedConversation(alice, conversationId);
        chat("{\"conversationId\":\"" + conversationId + "\",\"regenerate\":true}");
        JsonNode question = json(last(fake.requests()).body()).path("messages").get(0);
        assertEquals("image", question.path("content").get(0).path("type").asText(), question.toString());

        JsonNode messages = savedConversation(alice, conversationId).path("messages");
        assertEquals(2, messages.size());
        JsonNode file = messages.get(0).path("attachments").get(0);
        assertEquals("a.png", file.path("name").asText());
        assertArrayEquals(Base64.getDecoder().decode(PIXEL), download(alice, file.path("url").asText()).body(),
                "shown again after a reload, from the question saved again");
    }

    @Test
    void badFilesAreRefusedClearlyBeforeAnythingIsSavedOrSent() throws Exception {
        String png = file("a.png", "image/png", PIXEL);
        assertRefused(post(ask("x", null, file("a.svg", "image/svg+xml", PIXEL))), 400, "unsupported_media_type",
                "image/svg+xml");
        assertRefused(post(ask("x", null, file("a.png", "image/png", "not base64!"))), 400, "invalid_request",
                "attachments[0]'s data is not valid base64");
        String big = Base64.getEncoder().encodeToString(new byte[2001]);
        assertRefused(post(ask("x", null, png, file("big.png", "image/png", big))), 413, "attachment_too_large",
                "attachments[1] has 2001 bytes; at most 2000");
        assertRefused(post(ask("x", null, png, png, png, png)), 400, "too_many_attachments", "at most 3 files");
        assertRefused(post(ask("x", null, file("", "image/png", PIXEL))), 400, "invalid_request", "name");
        assertRefused(post(ask("x", null, "{\"name\":\"a.png\",\"data\":\"" + PIXEL + "\"}")), 400,
                "invalid_request", "attachments[0].mediaType must be a string");
        assertRefused(post("{\"message\":\"x\",\"attachments\":\"a.png\"}"), 400, "invalid_request", "attachments");
        assertRefused(post("{\"regenerate\":true,\"conversationId\":\"c\",\"attachments\":[" + png + "]}"), 400,
                "invalid_request", "leave out \"attachments\"");
        assertEquals(0, fake.requests().size(), "nothing reached Claude");
        assertEquals("[]", json(alice.send("GET", "api/conversations", null, null).body()).path("conversations")
                .toString(), "nothing was saved");
    }

    @Test
    void filesCountTowardsTheConversationsBytes() throws Exception {
        String file = file("f.png", "image/png", Base64.getEncoder().encodeToString(new byte[1900]));
        String conversationId = chat(ask("q", null, file));
        int accepted = 1;
        while (true) {
            savedConversation(alice, conversationId);
            fake.enqueue(Script.transcript("plain_text"));
            HttpResponse<String> response = post(ask("q", conversationId, file));
            if (response.statusCode() != 200) {
                assertRefused(response, 409, "conversation_full", "bytes of text and files");
                break;
            }
            accepted++;
            assertTrue(accepted < 11, "20,000 bytes hold fewer than 11 questions with 1,900 bytes of files each");
        }
        assertTrue(accepted >= 8, "refused after " + accepted + " questions: their texts are short");
        fake.clearScripts();
    }
}
