package dev.claudesse.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.claudesse.store.StoreException;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Base of the JSON endpoints: refused requests and wrong methods become JSON errors instead of the
 * container's HTML pages, and an unexpected failure never shows a stack trace.
 */
public abstract class ApiServlet extends HttpServlet {

    private static final Logger LOG = Logger.getLogger(ApiServlet.class.getName());

    protected App app;

    @Override
    public void init() {
        app = App.from(getServletContext());
    }

    /** The HTTP methods this endpoint answers. */
    protected abstract Set<String> methods();

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws ServletException, IOException {
        handle(req, resp, () -> super.service(req, resp));
    }

    /** Work that may throw what a servlet's methods throw. */
    protected interface Handler {
        void run() throws ServletException, IOException;
    }

    /** Runs the work for an allowed method, turning refusals and failures into JSON errors. */
    protected final void handle(HttpServletRequest req, HttpServletResponse resp, Handler work)
            throws ServletException, IOException {
        try {
            if (!methods().contains(req.getMethod())) {
                resp.setHeader("Allow", String.join(", ", methods()));
                throw new ApiException(405, "method_not_allowed",
                        req.getMethod() + " is not allowed here; use " + String.join(" or ", methods()) + ".");
            }
            work.run();
        } catch (ApiException e) {
            sendError(resp, e);
        } catch (StoreException e) {
            LOG.log(Level.WARNING, "database unavailable on " + req.getRequestURI() + ": " + e.getMessage());
            sendError(resp, new ApiException(503, "store_unavailable",
                    "The conversation store is unavailable; try again shortly."));
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "unexpected failure on " + req.getRequestURI(), e);
            sendError(resp, new ApiException(500, "internal_error", "The server failed to handle this request."));
        }
    }

    void sendError(HttpServletResponse resp, ApiException e) throws IOException {
        if (resp.isCommitted()) {
            return;
        }
        resp.resetBuffer();
        resp.setStatus(e.status());
        if (e.status() == 401) {
            // what a 401 must name (RFC 6750); the error code only when a token was presented
            resp.setHeader("WWW-Authenticate", Owners.LOGIN_REQUIRED.equals(e.type()) ? "Bearer"
                    : "Bearer error=\"invalid_token\"");
        }
        if (e.retryAfterSeconds() > 0) {
            resp.setHeader("Retry-After", Long.toString(e.retryAfterSeconds()));
        }
        if (app != null) {
            app.services.monitor().refused(e.status(), e.type());
        }
        writeJson(resp, errorBody(e));
    }

    /** The JSON of a refused request: the product's shape; a dialect's endpoint answers in its client's. */
    protected Object errorBody(ApiException e) {
        return Map.of("error", Map.of("type", e.type(), "message", e.getMessage()));
    }

    static void writeJson(HttpServletResponse resp, Object body) throws IOException {
        resp.setContentType("application/json;charset=UTF-8");
        resp.setHeader("Cache-Control", "no-store");
        byte[] bytes = JSON.writeValueAsBytes(body);
        resp.setContentLength(bytes.length);
        resp.getOutputStream().write(bytes);
    }

    private static final ObjectMapper JSON = Json.MAPPER;
}
