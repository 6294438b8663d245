package dev.claudesse.fake;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The fake's Models API: Claude's page shape, paging, the API key, and staying out of the messages queue. */
class FakeClaudeModelsTest {

    private FakeClaude fake;
    private HttpClient client;

    @BeforeEach
    void start() {
        fake = FakeClaude.start();
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }

    @AfterEach
    void stop() {
        client.close();
        fake.close();
    }

    @Test
    void theDefaultListHasEveryModelInfoField() throws Exception {
        HttpResponse<String> response = get("/v1/models", "sk-ant-test");

        assertEquals(200, response.statusCode());
        assertEquals("application/json", response.headers().firstValue("content-type").orElseThrow());
        JsonNode page = TranscriptFacts.parse(response.body());
        assertEquals(List.of("claude-fable-5-2", "claude-haiku-5-5", "claude-sonnet-5-5", "claude-opus-5-5",
                "claude-sonnet-4-5-20250929"), ids(page));
        assertFalse(page.path("has_more").asBoolean());
        assertEquals("claude-fable-5-2", page.path("first_id").asText());
        assertEquals("claude-sonnet-4-5-20250929", page.path("last_id").asText());

        JsonNode sonnet55 = page.path("data").get(2);
        assertEquals("model", sonnet55.path("type").asText());
        assertEquals("Claude Sonnet 5.5", sonnet55.path("display_name").asText());
        assertEquals("2026-09-29T00:00:00Z", sonnet55.path("created_at").asText());
        OffsetDateTime.parse(sonnet55.path("created_at").asText()); // RFC 3339
        assertEquals(1_000_000, sonnet55.path("max_input_tokens").asLong());
        assertEquals(128_000, sonnet55.path("max_tokens").asLong());
        assertEquals("active", sonnet55.path("lifecycle").asText());
        assertTrue(sonnet55.has("deprecated_at") && sonnet55.path("deprecated_at").isNull(), "null, not left out");
        assertTrue(sonnet55.has("retires_at") && sonnet55.path("retires_at").isNull());

        JsonNode sonnet45 = page.path("data").get(4);
        assertEquals("deprecated", sonnet45.path("lifecycle").asText());
        assertEquals("2026-11-30T00:00:00Z", sonnet45.path("retires_at").asText());
        OffsetDateTime.parse(sonnet45.path("deprecated_at").asText());
        assertEquals(64_000, sonnet45.path("max_tokens").asLong());
        assertEquals(1, fake.modelsRequests());
    }

    @Test
    void limitAndAfterIdPageForward() throws Exception {
        fake.models(numbered(5));

        JsonNode first = page("/v1/models?limit=2");
        assertEquals(List.of("m1", "m2"), ids(first));
        assertTrue(first.path("has_more").asBoolean());
        assertEquals("m1", first.path("first_id").asText());
        assertEquals("m2", first.path("last_id").asText());

        JsonNode second = page("/v1/models?limit=2&after_id=m2");
        assertEquals(List.of("m3", "m4"), ids(second));
        assertTrue(second.path("has_more").asBoolean());

        JsonNode last = page("/v1/models?after_id=m4&limit=2");
        assertEquals(List.of("m5"), ids(last));
        assertFalse(last.path("has_more").asBoolean());

        JsonNode beyond = page("/v1/models?after_id=m5");
        assertEquals(List.of(), ids(beyond));
        assertTrue(beyond.path("first_id").isNull() && beyond.path("last_id").isNull());
        assertEquals(4, fake.modelsRequests());
    }

    @Test
    void theDefaultLimitIs20AndTheLargest1000() throws Exception {
        fake.models(numbered(1001));

        JsonNode page = page("/v1/models");
        assertEquals(20, ids(page).size());
        assertTrue(page.path("has_more").asBoolean());

        JsonNode big = page("/v1/models?limit=1000");
        assertEquals(1000, ids(big).size());
        assertEquals("m1000", big.path("last_id").asText());
        assertTrue(big.path("has_more").asBoolean());
    }

    @Test
    void beforeIdPagesBack() throws Exception {
        fake.models(numbered(5));

        JsonNode page = page("/v1/models?limit=2&before_id=m4");
        assertEquals(List.of("m2", "m3"), ids(page));
        assertTrue(page.path("has_more").asBoolean(), "m1 is still before");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "1001", "-1", "many"})
    void aLimitOutside1To1000IsRefused(String limit) throws Exception {
        HttpResponse<String> response = get("/v1/models?limit=" + limit, "sk-ant-test");

        assertEquals(400, response.statusCode());
        assertEquals("invalid_request_error", TranscriptFacts.parse(response.body()).path("error").path("type").asText());
    }

    @Test
    void oneModelByIdAndAnUnknownOne() throws Exception {
        JsonNode opus = page("/v1/models/claude-opus-5-5");
        assertEquals("Claude Opus 5.5", opus.path("display_name").asText());

        HttpResponse<String> missing = get("/v1/models/claude-opus-9", "sk-ant-test");
        assertEquals(404, missing.statusCode());
        assertEquals("model: claude-opus-9", TranscriptFacts.parse(missing.body()).path("error").path("message").asText());
    }

    @Test
    void withoutAnApiKeyItIs401() throws Exception {
        HttpResponse<String> response = get("/v1/models", null);

        assertEquals(401, response.statusCode());
        JsonNode error = TranscriptFacts.parse(response.body());
        assertEquals("error", error.path("type").asText());
        assertEquals("authentication_error", error.path("error").path("type").asText());
        assertEquals("x-api-key header is required", error.path("error").path("message").asText());
        assertEquals("req_fake_models_1", error.path("request_id").asText());
        assertEquals(401, get("/v1/models", " ").statusCode(), "a blank key is no key");
        assertEquals(2, fake.modelsRequests());
    }

    @Test
    void modelsRequestsLeaveTheMessagesQueueAlone() throws Exception {
        fake.enqueue(Script.transcript("plain_text"));

        get("/v1/models", "sk-ant-test");
        get("/v1/models", null);
        get("/v1/models?limit=0", "sk-ant-test");

        assertEquals(3, fake.modelsRequests());
        assertEquals(1, fake.pendingScripts());
        assertEquals(0, fake.unservedRequests());
        assertEquals(List.of(), fake.requests(), "requests() keeps to the messages API");
        HttpResponse<String> message = client.send(HttpRequest.newBuilder(URI.create(fake.baseUrl() + "/v1/messages"))
                .header("x-api-key", "sk-ant-test")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"claude-sonnet-5-5\",\"max_tokens\":64}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, message.statusCode());
        assertEquals("req_fake_1", message.headers().firstValue("request-id").orElseThrow());
    }

    @Test
    void fakeModelChecksItsLifecycle() {
        Instant day = Instant.parse("2026-11-30T00:00:00Z");
        FakeModel retired = new FakeModel("claude-old", "Old", "retired", day, day, 200_000, 8_192);
        assertEquals(Instant.parse("2026-01-01T00:00:00Z"), retired.createdAt());
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new FakeModel("x", "X", "legacy", null, null, 1, 1));
    }

    private static List<FakeModel> numbered(int n) {
        List<FakeModel> models = new ArrayList<>();
        IntStream.rangeClosed(1, n).forEach(i -> models.add(FakeModel.active("m" + i, "Model " + i, "2026-01-01T00:00:00Z")));
        return models;
    }

    private JsonNode page(String target) throws Exception {
        HttpResponse<String> response = get(target, "sk-ant-test");
        assertEquals(200, response.statusCode(), response.body());
        return TranscriptFacts.parse(response.body());
    }

    private static List<String> ids(JsonNode page) {
        List<String> ids = new ArrayList<>();
        page.path("data").forEach(m -> ids.add(m.path("id").asText()));
        return ids;
    }

    private HttpResponse<String> get(String target, String apiKey) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(fake.baseUrl() + target))
                .header("anthropic-version", "2023-06-01").GET();
        if (apiKey != null) {
            request.header("x-api-key", apiKey);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
