package dev.claudesse.web;

import dev.claudesse.config.SettingsSource;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * Lets pages on the origins listed in CLAUDE_SSE_CORS_ORIGINS call the API with their cookies.
 * <ul>
 * <li>An allowed Origin is echoed back (never "*", since credentials are allowed), with Vary: Origin.</li>
 * <li>A preflight (OPTIONS with Access-Control-Request-Method) from an allowed origin is answered here
 *     with 204; from any other origin with 403 JSON, so a misconfiguration is easy to see.</li>
 * <li>Other requests from other origins pass through without CORS headers: the browser then keeps the
 *     response from the page. Same-origin requests are never touched.</li>
 * </ul>
 * The setting comes from the filter's init parameter, else the usual context parameter, system
 * property or environment variable.
 */
public final class CorsFilter implements Filter {

    public static final String SETTING = "CLAUDE_SSE_CORS_ORIGINS";
    static final String METHODS = "GET, POST, PATCH, DELETE, OPTIONS";
    static final String HEADERS = "Content-Type, Last-Event-ID";
    /**
     * Request headers a preflight may ask for beyond those two: what the official Anthropic SDK sends from a
     * browser (its key header, which the app reads as an API token or ignores, its version and beta flags,
     * and its x-stainless-* telemetry), the OpenAI SDK's Authorization, and the conversation header of the
     * v1 endpoints.
     */
    static final Set<String> CLIENT_HEADERS = Set.of("authorization", "x-api-key",
            "anthropic-version", "anthropic-beta", "anthropic-dangerous-direct-browser-access",
            "claude-sse-conversation");
    /** Response headers a page may read: the answer's id (as Claude's own API names it), its conversation's, and when to retry. */
    static final String EXPOSED = "request-id, Claude-SSE-Conversation-Id, Retry-After";
    static final String MAX_AGE = "600";
    private static final byte[] REFUSED = ("{\"error\":{\"type\":\"origin_not_allowed\","
            + "\"message\":\"This origin may not call the API; see CLAUDE_SSE_CORS_ORIGINS.\"}}")
            .getBytes(StandardCharsets.UTF_8);

    private AllowedOrigins allowed = AllowedOrigins.NONE;

    public CorsFilter() {
    }

    /** For tests and programmatic setups: settings by name. */
    public CorsFilter(Function<String, String> settings) {
        allowed = AllowedOrigins.parse(settings.apply(SETTING));
    }

    @Override
    public void init(FilterConfig config) {
        String own = config.getInitParameter(SETTING);
        SettingsSource source = new SettingsSource(config.getServletContext()::getInitParameter);
        allowed = AllowedOrigins.parse(own != null && !own.isBlank() ? own : source.get(SETTING));
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest req = (HttpServletRequest) request;
        HttpServletResponse resp = (HttpServletResponse) response;
        String origin = req.getHeader("Origin");
        if (allowed.isEmpty() || origin == null) {
            chain.doFilter(request, response);
            return;
        }
        // Caches must keep answers to different origins apart, allowed or not.
        resp.addHeader("Vary", "Origin");
        boolean preflight = "OPTIONS".equals(req.getMethod()) && req.getHeader("Access-Control-Request-Method") != null;
        if (!allowed.allows(origin)) {
            if (preflight) {
                refuse(resp);
            } else {
                chain.doFilter(request, response);
            }
            return;
        }
        resp.setHeader("Access-Control-Allow-Origin", origin);
        resp.setHeader("Access-Control-Allow-Credentials", "true");
        if (preflight) {
            resp.setHeader("Access-Control-Allow-Methods", METHODS);
            resp.setHeader("Access-Control-Allow-Headers", allowedHeaders(req.getHeader("Access-Control-Request-Headers")));
            resp.setHeader("Access-Control-Max-Age", MAX_AGE);
            resp.setStatus(HttpServletResponse.SC_NO_CONTENT);
            return;
        }
        resp.setHeader("Access-Control-Expose-Headers", EXPOSED);
        chain.doFilter(request, response);
    }

    /**
     * Content-Type and Last-Event-ID, and of the other requested headers those this API takes; one it does
     * not take is left out, so the browser refuses the call and says which header it was.
     */
    static String allowedHeaders(String requested) {
        if (requested == null || requested.isBlank()) {
            return HEADERS;
        }
        StringBuilder allowedNames = new StringBuilder(HEADERS);
        for (String name : requested.split(",")) {
            String header = name.strip().toLowerCase(Locale.ROOT);
            if (CLIENT_HEADERS.contains(header) || (header.startsWith("x-stainless-") && header.length() <= 64)) {
                allowedNames.append(", ").append(header);
            }
        }
        return allowedNames.toString();
    }

    private static void refuse(HttpServletResponse resp) throws IOException {
        resp.setStatus(HttpServletResponse.SC_FORBIDDEN);
        resp.setContentType("application/json;charset=UTF-8");
        resp.setHeader("Cache-Control", "no-store");
        resp.setContentLength(REFUSED.length);
        resp.getOutputStream().write(REFUSED);
    }
}
