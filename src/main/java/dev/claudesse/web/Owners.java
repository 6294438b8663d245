package dev.claudesse.web;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * Who a request belongs to: the container-authenticated user, or else an anonymous owner whose random
 * 128-bit id lives in an HttpOnly cookie.
 */
public final class Owners {

    public static final String COOKIE = "claude_sse_owner";
    private static final Pattern ANONYMOUS_ID = Pattern.compile("[A-Za-z0-9_-]{22,64}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private Owners() {
    }

    /** The owner of this request; gives the browser a new anonymous id when it has none. */
    public static String resolve(HttpServletRequest req, HttpServletResponse resp) {
        String existing = existing(req);
        if (existing != null) {
            return existing;
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
        return "anon:" + value;
    }

    /** The owner if the request already has one, without creating any. */
    public static String existing(HttpServletRequest req) {
        String user = req.getRemoteUser();
        if (user != null) {
            return "user:" + user;
        }
        Cookie[] cookies = req.getCookies();
        if (cookies != null) {
            for (Cookie c : cookies) {
                if (COOKIE.equals(c.getName()) && ANONYMOUS_ID.matcher(c.getValue()).matches()) {
                    return "anon:" + c.getValue();
                }
            }
        }
        return null;
    }
}
