package dev.claudesse.web;

import dev.claudesse.metrics.Metrics;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.Set;

/**
 * GET api/metrics: the app's metrics in the Prometheus text format, for the addresses and the token
 * metrics.MetricsAccess allows; anyone else gets 403. The address is the socket's: behind a proxy that
 * is the proxy's, so a proxied request needs the token.
 */
public final class MetricsServlet extends ApiServlet {

    @Override
    protected Set<String> methods() {
        return Set.of("GET", "HEAD");
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        if (!app.metrics.access().allows(req.getRemoteAddr(), req::getHeader)) {
            throw new ApiException(403, "forbidden", "The metrics are not open to this client.");
        }
        resp.setContentType(Metrics.CONTENT_TYPE);
        resp.setHeader("Cache-Control", "no-store");
        app.metrics.scrape(resp.getOutputStream());
    }
}
