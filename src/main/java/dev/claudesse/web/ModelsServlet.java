package dev.claudesse.web;

import dev.claudesse.models.ModelSpec;
import dev.claudesse.models.PricePeriod;
import dev.claudesse.models.Rates;
import dev.claudesse.models.ThinkingShape;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * GET api/models: the models a request may name today, the default first, with what a frontend needs
 * to offer them (limits, thinking, effort levels, today's prices).
 */
public final class ModelsServlet extends ApiServlet {

    @Override
    protected Set<String> methods() {
        return Set.of("GET", "HEAD", "OPTIONS");
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        LocalDate today = app.models.today();
        List<Map<String, Object>> list = new ArrayList<>();
        for (String id : app.models.allowedToday()) {
            list.add(model(id, app.models.table().find(id), today));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("defaultModel", app.models.defaultModel());
        body.put("models", list);
        writeJson(resp, body);
    }

    private Map<String, Object> model(String id, ModelSpec spec, LocalDate today) {
        int serverLimit = app.settings.maxTokensLimit();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("default", id.equals(app.models.defaultModel()));
        if (spec == null) { // configured by name only: the server knows nothing more of it
            m.put("displayName", id);
            m.put("maxTokens", serverLimit);
            return m;
        }
        m.put("displayName", spec.displayName());
        m.put("lifecycle", spec.lifecycle().on(today).wireName());
        m.put("retiresOn", spec.lifecycle().retiresOn() == null ? null : spec.lifecycle().retiresOn().toString());
        m.put("replacement", spec.lifecycle().replacement());
        m.put("contextWindow", spec.contextWindow());
        m.put("maxTokens", spec.maxOutputTokens() == null ? serverLimit : Math.min(serverLimit, spec.maxOutputTokens()));
        m.put("thinking", spec.thinking().stream().sorted().map(ThinkingShape::wireName).toList());
        m.put("thinkingBudget", spec.takes(ThinkingShape.ENABLED));
        m.put("sampling", spec.sampling());
        m.put("effort", spec.effort());
        m.put("prices", prices(spec.pricesOn(today)));
        return m;
    }

    private static Map<String, Object> prices(PricePeriod period) {
        if (period == null) {
            return null;
        }
        List<Map<String, Object>> tiers = new ArrayList<>();
        for (Rates r : period.tiers()) {
            Map<String, Object> tier = new LinkedHashMap<>();
            tier.put("promptTokensUpTo", r.promptTokensUpTo());
            tier.put("input", r.input());
            tier.put("output", r.output());
            tier.put("cacheWrite5m", r.cacheWrite5m());
            tier.put("cacheWrite1h", r.cacheWrite1h());
            tier.put("cacheRead", r.cacheRead());
            tiers.add(tier);
        }
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("from", period.from().toString());
        p.put("currency", "USD");
        p.put("per", "million tokens");
        p.put("tiers", tiers);
        return p;
    }
}
