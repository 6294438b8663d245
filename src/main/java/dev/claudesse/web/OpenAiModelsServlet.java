package dev.claudesse.web;

import dev.claudesse.models.ModelSpec;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * GET v1/models: the models a request may name today (as GET api/models, the default first), in OpenAI's
 * list shape, so that a chat UI speaking Chat Completions can offer them. created is the day of the model's
 * first price in the table (0 when the table does not know the model).
 */
public final class OpenAiModelsServlet extends ApiServlet {

    @Override
    protected Set<String> methods() {
        return Set.of("GET", "HEAD", "OPTIONS");
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        List<Map<String, Object>> data = new ArrayList<>();
        for (String id : app.models.allowedToday()) {
            Map<String, Object> model = new LinkedHashMap<>();
            model.put("id", id);
            model.put("object", "model");
            model.put("created", created(app.models.table().find(id)));
            model.put("owned_by", "anthropic");
            data.add(model);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("object", "list");
        body.put("data", data);
        writeJson(resp, body);
    }

    private static long created(ModelSpec spec) {
        if (spec == null || spec.prices().isEmpty()) {
            return 0;
        }
        return spec.prices().getFirst().from().atStartOfDay(ZoneOffset.UTC).toEpochSecond();
    }

    @Override
    protected Object errorBody(ApiException e) {
        return ChatCompletionsServlet.openAiError(e);
    }
}
