package dev.claudesse.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * POST api/drain: the operator's first step of a node's restart. From then on the node answers health and
 * new answers with 503 draining while its running answers go on; GET api/health shows how many still run.
 * A stop (catalina.sh stop, which sends no signal; SIGTERM drains by itself) then waits only for what is
 * left of CLAUDE_SSE_DRAIN_SECONDS. Open to whom the metrics are open (metrics.MetricsAccess: the listed
 * addresses, loopback by default, or the metrics token), since a drain takes the node out of service.
 */
public final class DrainServlet extends ApiServlet {

    @Override
    protected Set<String> methods() {
        return Set.of("POST");
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        if (!app.metrics.access().allows(req.getRemoteAddr(), req::getHeader)) {
            throw new ApiException(403, "forbidden", "Draining is not open to this client.");
        }
        app.drain();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", Respond.DRAINING);
        body.put("runningAnswers", app.registry.running());
        body.put("drainSeconds", app.settings.drainGrace().toSeconds());
        writeJson(resp, body);
    }
}
