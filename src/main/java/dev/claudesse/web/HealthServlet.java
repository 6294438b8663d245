package dev.claudesse.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * GET api/health: a small status for load balancers and deploy checks. 503 with status "draining" once
 * the node drains (it is stopping, or POST api/drain), with the answers still running, so a deploy script
 * can wait for runningAnswers to reach 0.
 */
public final class HealthServlet extends ApiServlet {

    @Override
    protected Set<String> methods() {
        return Set.of("GET", "HEAD");
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        boolean storeOk = app.store.isReachable();
        boolean draining = app.draining();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", draining ? Respond.DRAINING
                : storeOk && !"unconfigured".equals(app.upstreamKind()) ? "ok" : "degraded");
        body.put("upstream", app.upstreamKind());
        body.put("store", storeOk ? "ok" : "unreachable");
        body.put("runningAnswers", app.registry.running());
        body.put("openStreams", app.pinger.open());
        if (app.settings.node() != null) {
            body.put("node", app.settings.node()); // CLAUDE_SSE_NODE, for checking where a proxy sends requests
        }
        if (draining) {
            // a load balancer's check takes the node out; the connection closes, as a drained node's should
            resp.setStatus(503);
            resp.setHeader("Connection", "close");
        }
        writeJson(resp, body);
    }
}
