package dev.claudesse.claude;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/** Claude's {@code GET v1/models}: the models the API key can use, with Claude's view of their lifecycle. */
public final class ModelsEndpoint {

    /** One model as Claude lists it; lifecycle and dates are null where Claude does not say. */
    public record ListedModel(String id, String displayName, String lifecycle, LocalDate deprecatedOn,
                              LocalDate retiresOn) {
    }

    private static final int MAX_PAGES = 20;

    private final HttpClient http;
    private final String baseUrl;
    private final String apiKey;
    private final ObjectMapper json;

    public ModelsEndpoint(HttpClient http, String baseUrl, String apiKey, ObjectMapper json) {
        this.http = http;
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.apiKey = apiKey;
        this.json = json;
    }

    /** Every page of the list; an IOException when Claude cannot be reached or answers other than 200. */
    public List<ListedModel> list() throws IOException, InterruptedException {
        List<ListedModel> models = new ArrayList<>();
        String after = null;
        for (int page = 0; page < MAX_PAGES; page++) {
            String query = "?limit=1000" + (after == null ? "" : "&after_id=" + URLEncoder.encode(after, StandardCharsets.UTF_8));
            HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/v1/models" + query))
                    .timeout(Duration.ofSeconds(20))
                    .header("x-api-key", apiKey)
                    .header("anthropic-version", HttpUpstream.API_VERSION)
                    .GET().build();
            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                throw new IOException("GET v1/models answered " + response.statusCode());
            }
            JsonNode body = json.readTree(response.body());
            for (JsonNode m : body.path("data")) {
                models.add(new ListedModel(m.path("id").asText(), m.path("display_name").asText(null),
                        m.path("lifecycle").asText(null), day(m.path("deprecated_at")), day(m.path("retires_at"))));
            }
            if (!body.path("has_more").asBoolean(false) || body.path("last_id").asText(null) == null) {
                return models;
            }
            after = body.path("last_id").asText();
        }
        return models;
    }

    private static LocalDate day(JsonNode value) {
        if (!value.isTextual()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value.asText()).withOffsetSameInstant(ZoneOffset.UTC).toLocalDate();
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }
}
