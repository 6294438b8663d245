package dev.claudesse.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** GET api/health: a small status for load balancers and deploy checks. */
public final class HealthServlet extends ApiServlet {

    @Override
    protected Set<String> methods() {
        return Set.of("GET", "HEAD");
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        boolean storeOk = app.store.isReachable();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", storeOk && !"unconfigured".equals(app.upstreamKind()) ? "ok" : "degraded");
        body.put("upstream", app.upstreamKind());
        body.put("store", storeOk ? "ok" : "unreachable");
        body.put("runningAnswers", app.registry.running());
        body.put("openStreams", app.pinger.open());
        if (app.settings.node() != null) {
            body.put("node", app.settings.node()); // CLAUDE_SSE_NODE, for checking where a proxy sends requests
        }
        writeJson(resp, body);
    }
}
