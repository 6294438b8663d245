package dev.claudesse.web;

import dev.claudesse.limits.AbuseLimits;
import dev.claudesse.tokens.ApiTokens;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Who a request belongs to, first match wins:
 * <ol>
 * <li>the owner of a valid API token ({@code Authorization: Bearer} or {@code x-api-key}), "token:name",
 *     when the server has a tokens file (CLAUDE_SSE_API_TOKENS_FILE): callers that are not browsers;</li>
 * <li>the container-authenticated user, "user:name";</li>
 * <li>an anonymous owner whose random 128-bit id lives in an HttpOnly cookie, "anon:id".</li>
 * </ol>
 * The prefixes keep the three apart, so no login name or cookie can ever act as a token's owner.
 * A token that matches no entry is refused (401), except when the user or the cookie already says who
 * the request is, or the request comes from a page (it has an Origin header): a browser app on an SDK
 * must pass some API key, and that one is ignored. Without a
 * tokens file every presented token is ignored, as before tokens existed. A server that refuses anonymous use
 * (CLAUDE_SSE_ANONYMOUS=false) knows only the first two: anything else is refused (401 login_required).
 * New anonymous owners are counted per client address (CLAUDE_SSE_NEW_OWNERS_PER_HOUR_PER_ADDRESS).
 */
public final class Owners {

    public static final String COOKIE = "claude_sse_owner";
    static final String ANONYMOUS_PREFIX = "anon:";
    /** The 401 type a server without anonymous use (CLAUDE_SSE_ANONYMOUS=false) answers the anonymous. */
    static final String LOGIN_REQUIRED = "login_required";
    private static final Pattern ANONYMOUS_ID = Pattern.compile("[A-Za-z0-9_-]{22,64}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private Owners() {
    }

    /**
     * The owner of this request; gives the browser a new anonymous id when it has none, unless its address
     * has had as many new ones as it may within the hour (429).
     */
    public static String resolve(HttpServletRequest req, HttpServletResponse resp) {
        String existing = existing(req);
        if (existing != null) {
            return existing;
        }
        AbuseLimits limits = limits(req);
        long wait = limits.newOwner(req.getRemoteAddr(), forwardedFor(req));
        if (wait > 0) {
            throw new ApiException(429, "too_many_new_owners", "Too many new visitors came from your network address "
                    + "in the last hour (the limit is " + limits.config().newOwnersPerHour() + "); try again in "
                    + waitText(wait) + ", or continue in a browser that has chatted here before.", wait);
        }
        byte[] id = new byte[16];
        RANDOM.nextBytes(id);
        String value = Base64.getUrlEncoder().withoutPadding().encodeToString(id);
        Cookie cookie = new Cookie(COOKIE, value);
        cookie.setHttpOnly(true);
        cookie.setSecure(req.isSecure());
        cookie.setPath(req.getContextPath().isEmpty() ? "/" : req.getContextPath());
        cookie.setMaxAge(365 * 24 * 3600);
        cookie.setAttribute("SameSite", "Lax");
        resp.addCookie(cookie);
        return ANONYMOUS_PREFIX + value;
    }

    /**
     * The owner if the request already has one, without creating any.
     *
     * @throws ApiException 401 for a token that matches no entry, on a request nothing else identifies
     */
    public static String existing(HttpServletRequest req) {
        return existing(req, tokens(req), limits(req).anonymousAllowed());
    }

    /** The same with the given tokens, anonymous use allowed: the decision itself, for tests without a running app. */
    static String existing(HttpServletRequest req, ApiTokens tokens) {
        return existing(req, tokens, true);
    }

    /**
     * The same with anonymous use allowed or not. When it is not, only a valid token or the container's user
     * says who a request is; anything else is refused (401 login_required), the owner cookie being ignored.
     */
    static String existing(HttpServletRequest req, ApiTokens tokens, boolean anonymous) {
        String found = existingAllowingAnonymous(req, tokens, anonymous);
        if (!anonymous && (found == null || found.startsWith(ANONYMOUS_PREFIX))) {
            throw new ApiException(401, LOGIN_REQUIRED, "This server does not serve anonymous visitors: sign in, "
                    + "or send an API token issued by the server's operator (\"Authorization: Bearer <token>\").");
        }
        return found;
    }

    private static String existingAllowingAnonymous(HttpServletRequest req, ApiTokens tokens, boolean anonymous) {
        List<String> presented = presentedTokens(req);
        if (presented.isEmpty()) {
            return userOrCookie(req);
        }
        if (tokens.enabled()) {
            for (String token : presented) {
                String name = tokens.ownerOf(token);
                if (name != null) {
                    return "token:" + name;
                }
            }
        }
        String known = userOrCookie(req);
        // A page (browsers send Origin with every cross-origin call and every POST) is a browser caller: its
        // first call has no cookie yet and gets one, whatever placeholder key its SDK sends.
        boolean unknown = known == null || (!anonymous && known.startsWith(ANONYMOUS_PREFIX));
        // without anonymous use, a page's wrong token is refused as a token: it is what the caller can fix
        if (unknown && tokens.enabled() && (req.getHeader("Origin") == null || !anonymous)) {
            throw new ApiException(401, "invalid_api_key", "This API token is not valid here: it is unknown "
                    + "or was revoked. Send a token issued by the server's operator, as \"Authorization: Bearer "
                    + "<token>\" or \"x-api-key: <token>\".");
        }
        return known;
    }

    private static String userOrCookie(HttpServletRequest req) {
        String user = req.getRemoteUser();
        if (user != null) {
            return "user:" + user;
        }
        Cookie[] cookies = req.getCookies();
        if (cookies != null) {
            for (Cookie c : cookies) {
                if (COOKIE.equals(c.getName()) && ANONYMOUS_ID.matcher(c.getValue()).matches()) {
                    return ANONYMOUS_PREFIX + c.getValue();
                }
            }
        }
        return null;
    }

    /**
     * The tokens a request carries, Authorization's Bearer first: the Anthropic and OpenAI SDKs send one or
     * the other header, depending on their version.
     */
    private static List<String> presentedTokens(HttpServletRequest req) {
        List<String> tokens = new ArrayList<>(2);
        String authorization = req.getHeader("Authorization");
        if (authorization != null) {
            String value = authorization.strip();
            if (value.length() > 7 && value.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) {
                add(tokens, value.substring(7));
            }
        }
        add(tokens, req.getHeader("x-api-key"));
        return tokens;
    }

    private static void add(List<String> tokens, String value) {
        if (value != null && !value.isBlank()) {
            tokens.add(value.strip());
        }
    }

    private static ApiTokens tokens(HttpServletRequest req) {
        App app = App.from(req.getServletContext());
        return app == null ? ApiTokens.NONE : app.tokens;
    }

    private static AbuseLimits limits(HttpServletRequest req) {
        App app = App.from(req.getServletContext());
        return app == null || app.limits == null ? NO_LIMITS : app.limits;
    }

    private static final AbuseLimits NO_LIMITS = AbuseLimits.none();

    /** Every X-Forwarded-For value of the request, in order (the limits believe it only from a trusted proxy). */
    static List<String> forwardedFor(HttpServletRequest req) {
        Enumeration<String> values = req.getHeaders("X-Forwarded-For");
        return values == null ? List.of() : Collections.list(values);
    }

    /** "12 seconds", "7 minutes": a Retry-After for people. */
    static String waitText(long seconds) {
        if (seconds < 120) {
            return seconds + (seconds == 1 ? " second" : " seconds");
        }
        return ((seconds + 59) / 60) + " minutes";
    }
}
