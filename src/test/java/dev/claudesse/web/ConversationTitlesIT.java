package dev.claudesse.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.claudesse.fake.Script;
import dev.claudesse.testsupport.Browser;
import dev.claudesse.testsupport.EventStreamReader;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.claudesse.testsupport.Events.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The conversation list as the chat page uses it: each summary's total cost and last activity, renaming
 * (PATCH api/conversations/{id}) and the title search (q=), each kept to its owner, on embedded Tomcat with
 * the default H2 store against the fake Claude.
 */
class ConversationTitlesIT extends TwoOwnersApp {


    /** Starts a conversation with this first message (its title) and waits until its answer is saved. */
    String conversation(Browser browser, String message) throws Exception {
        fake.enqueue(Script.transcript("plain_text"));
        String id;
        try (EventStreamReader stream = browser.chat("{\"message\":" + Json.MAPPER.writeValueAsString(message) + "}")) {
            assertEquals(200, stream.status());
            id = json(stream.readToEnd(T).getFirst()).path("conversationId").asText();
        }
        long deadline = System.nanoTime() + T.toNanos();
        while (get(browser, "api/conversations/" + id).body().contains("\"streaming\"")) {
            assertTrue(System.nanoTime() < deadline, "the answer was not saved");
            Thread.sleep(50);
        }
        return id;
    }

    static HttpResponse<String> get(Browser browser, String path) throws Exception {
        return browser.send("GET", path, null, null);
    }

    static HttpResponse<String> rename(Browser browser, String id, String body) throws Exception {
        return browser.send("PATCH", "api/conversations/" + id, "application/json", body);
    }

    static JsonNode search(Browser browser, String q, String paging) throws Exception {
        HttpResponse<String> response = get(browser, "api/conversations?q="
                + URLEncoder.encode(q, StandardCharsets.UTF_8) + paging);
        assertEquals(200, response.statusCode(), response.body());
        return json(response.body());
    }

    static List<String> titles(JsonNode page) {
        List<String> titles = new ArrayList<>();
        page.path("conversations").forEach(c -> titles.add(c.path("title").asText()));
        return titles;
    }

    @Test
    void summariesCarryTheTotalCostAndTheLastActivity() throws Exception {
        String id = conversation(alice, "what does it cost");
        JsonNode detail = json(get(alice, "api/conversations/" + id).body());

        JsonNode summary = json(get(alice, "api/conversations").body()).path("conversations").get(0);

        assertEquals(id, summary.path("id").asText());
        assertTrue(summary.path("totalCost").decimalValue().compareTo(BigDecimal.ZERO) > 0, summary.toString());
        assertEquals(0, detail.path("totalCost").decimalValue().compareTo(summary.path("totalCost").decimalValue()));
        assertEquals("USD", summary.path("currency").asText());
        assertFalse(summary.path("totalCostEstimated").asBoolean());
        assertEquals(detail.path("updatedAt").asText(), summary.path("updatedAt").asText());
    }

    @Test
    void theOwnerRenamesAConversationAndNobodyElseCan() throws Exception {
        String id = conversation(alice, "old title");

        HttpResponse<String> bobTries = rename(bob, id, "{\"title\":\"mine now\"}");
        HttpResponse<String> missing = rename(bob, "no-such-conversation", "{\"title\":\"mine now\"}");
        assertEquals(404, bobTries.statusCode());
        assertEquals(missing.body(), bobTries.body());
        assertEquals(404, rename(new Browser(app.baseUri()), id, "{\"title\":\"x\"}").statusCode());

        HttpResponse<String> renamed = rename(alice, id, "{\"title\":\"  Trip to Lyon \u00e9t\u00e9 \uD83D\uDE80 \"}");

        assertEquals(200, renamed.statusCode(), renamed.body());
        assertEquals("Trip to Lyon \u00e9t\u00e9 \uD83D\uDE80", json(renamed.body()).path("title").asText());
        assertEquals("Trip to Lyon \u00e9t\u00e9 \uD83D\uDE80",
                json(get(alice, "api/conversations/" + id).body()).path("title").asText());
        assertEquals(List.of("Trip to Lyon \u00e9t\u00e9 \uD83D\uDE80"), titles(json(get(alice, "api/conversations").body())));
        assertEquals(200, rename(alice, id, "{\"title\":\"" + "t".repeat(200) + "\"}").statusCode());
    }

    @Test
    void badTitlesAreClear400s() throws Exception {
        String id = conversation(alice, "keep this title");
        Map<String, String> bad = Map.of(
                "{\"title\":\"   \"}", "title must not be empty.",
                "{\"title\":\"" + "t".repeat(201) + "\"}", "title must be at most 200 characters.",
                "{\"title\":\"two\\nlines\"}", "title must not contain control characters or line breaks.",
                "{\"title\":\"bell\\u0007\"}", "title must not contain control characters or line breaks.",
                "{\"title\":42}", "title must be a string.",
                "{}", "title must be a string.",
                "not json", "The body must be JSON: {\"title\": \"...\"}.");
        for (Map.Entry<String, String> entry : bad.entrySet()) {
            HttpResponse<String> response = rename(alice, id, entry.getKey());
            assertEquals(400, response.statusCode(), entry.getKey());
            JsonNode error = json(response.body()).path("error");
            assertEquals("invalid_request", error.path("type").asText(), entry.getKey());
            assertEquals(entry.getValue(), error.path("message").asText(), entry.getKey());
        }
        HttpResponse<String> all = rename(alice, "", "{\"title\":\"x\"}");
        assertEquals(405, all.statusCode());
        assertEquals("keep this title", json(get(alice, "api/conversations/" + id).body()).path("title").asText());
    }

    @Test
    void searchFindsTitlesIgnoringCaseTakesWildcardsLiterallyAndStaysWithItsOwner() throws Exception {
        conversation(alice, "Budget for 2027");
        conversation(alice, "50% off_sale notes");
        conversation(alice, "5000 offsale");
        conversation(alice, "Holiday plans");
        conversation(bob, "bob's budget");

        assertEquals(List.of("Budget for 2027"), titles(search(alice, "BUDGET", "")));
        assertEquals(List.of("bob's budget"), titles(search(bob, "budget", "")));
        assertEquals(List.of("50% off_sale notes"), titles(search(alice, "0% off_", "")));
        assertEquals(List.of("50% off_sale notes"), titles(search(alice, "%", "")));
        assertEquals(List.of(), titles(search(alice, "_____x", "")));
        assertEquals(List.of(), titles(search(new Browser(app.baseUri()), "budget", "")));
        assertEquals(4, titles(search(alice, "  ", "")).size(), "a blank q lists everything");
        HttpResponse<String> tooLong = get(alice, "api/conversations?q=" + "q".repeat(201));
        assertEquals(400, tooLong.statusCode());
    }

    @Test
    void searchResultsComeInPages() throws Exception {
        for (int i = 1; i <= 5; i++) {
            conversation(alice, "report " + i);
        }
        conversation(alice, "something else");

        JsonNode first = search(alice, "Report", "&limit=2");
        JsonNode second = search(alice, "Report", "&limit=2&offset=" + first.path("nextOffset").asInt());
        JsonNode third = search(alice, "Report", "&limit=2&offset=" + second.path("nextOffset").asInt());

        assertEquals(List.of("report 5", "report 4"), titles(first));
        assertEquals(List.of("report 3", "report 2"), titles(second));
        assertEquals(List.of("report 1"), titles(third));
        assertTrue(third.path("nextOffset").isNull());
    }
}
