package dev.claudesse.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.util.Set;

/** Any other path under api/: a JSON 404 rather than the container's HTML page. */
public final class NotFoundServlet extends ApiServlet {

    @Override
    protected Set<String> methods() {
        return Set.of("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS");
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws java.io.IOException {
        sendError(resp, new ApiException(404, "not_found", "There is no API endpoint at this path."));
    }
}
